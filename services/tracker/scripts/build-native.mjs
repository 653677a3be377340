/**
 * Compiles the tracker addon (every native/*.c: the C swarm store, its N-API binding, and whatever else sits
 * there) into dist/tracker-native.node with the system C compiler against Node's own headers: no node-gyp, no
 * download. Linux only; elsewhere, or with SWITCHBOARD_NATIVE=0, nothing is built and the tracker uses its
 * TypeScript store (see src/state/native-binding.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The datagram package (a dependency, beside us in the repository) has the header search both addons use.
import { nodeHeaders } from "../../../packages/datagram/scripts/node-headers.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const sourceDir = join(root, "native");
const output = join(root, "dist/tracker-native.node");

if (process.platform !== "linux" || process.env.SWITCHBOARD_NATIVE === "0") {
  console.log(
    "tracker: native addon not built (linux only; SWITCHBOARD_NATIVE=0 skips it); the TypeScript store is used",
  );
  process.exit(0);
}

const { dir: headers, candidates } = nodeHeaders(["node_api.h"]);
if (headers === undefined) {
  console.error(`tracker: Node's headers (node_api.h) not found in: ${candidates.join(", ")}`);
  console.error("tracker: install them (Debian: nodejs headers / libnode-dev) or set SWITCHBOARD_NATIVE=0");
  process.exit(1);
}

// The datagram addon's handler interface (udp-fast.c is a handler of its sockets): the package sits beside us.
const datagramHeaders = join(root, "../../packages/datagram/src/native");
if (!existsSync(join(datagramHeaders, "datagram-handler.h"))) {
  console.error(
    `tracker: ${datagramHeaders}/datagram-handler.h not found (the @switchboard/datagram sources)`,
  );
  process.exit(1);
}

const sources = readdirSync(sourceDir)
  .filter((f) => f.endsWith(".c"))
  .sort()
  .map((f) => join(sourceDir, f));
mkdirSync(dirname(output), { recursive: true });
const cc = process.env.CC ?? "cc";
const args = ["-std=c11", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"];
args.push(
  `-I${headers}`,
  `-I${sourceDir}`,
  `-I${datagramHeaders}`,
  "-DNAPI_VERSION=8",
  "-o",
  output,
  ...sources,
);
execFileSync(cc, args, { stdio: "inherit" });
console.log(`tracker: built ${output} from ${sources.length} sources`);
