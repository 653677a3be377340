/**
 * Compiles the batched-UDP addon (src/native/batch-udp.c) into dist/batch-udp.node with the system C compiler
 * against Node's own headers: no node-gyp, no download. Linux only (recvmmsg/sendmmsg); elsewhere the package
 * falls back to node:dgram and this script does nothing. SWITCHBOARD_NATIVE=0 skips the build on purpose.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeHeaders } from "./node-headers.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = join(root, "src/native/batch-udp.c");
const output = join(root, "dist/batch-udp.node");

if (process.platform !== "linux" || process.env.SWITCHBOARD_NATIVE === "0") {
  console.log(
    "datagram: native addon not built (linux only; SWITCHBOARD_NATIVE=0 skips it); node:dgram is used",
  );
  process.exit(0);
}

const { dir: headers, candidates } = nodeHeaders(["node_api.h", "uv.h"]);
if (headers === undefined) {
  console.error(`datagram: Node's headers (node_api.h, uv.h) not found in: ${candidates.join(", ")}`);
  console.error("datagram: install them (Debian: nodejs headers / libnode-dev) or set SWITCHBOARD_NATIVE=0");
  process.exit(1);
}

mkdirSync(dirname(output), { recursive: true });
const cc = process.env.CC ?? "cc";
const args = ["-std=c11", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"];
args.push(`-I${headers}`, "-DNAPI_VERSION=8", "-o", output, source);
execFileSync(cc, args, { stdio: "inherit" });
console.log(`datagram: built ${output}`);
