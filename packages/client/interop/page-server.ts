// The page the client's Chromium runners load: the SDK's browser build as `window.sb` and the test helpers of
// browser-page.js, served on a free loopback port.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const FILES: Record<string, string> = {
  "/switchboard.js": fileURLToPath(new URL("../dist/browser/switchboard.js", import.meta.url)),
  "/page.js": fileURLToPath(new URL("./browser-page.js", import.meta.url)),
};
const INDEX =
  '<!doctype html><script src="/page.js"></script><script type="module">import * as sb from "/switchboard.js"; window.sb = sb;</script>';

export interface PageServer {
  readonly origin: string;
  close(): void;
}

export async function servePage(): Promise<PageServer> {
  const http = createServer((req, res) => {
    const f = FILES[req.url ?? ""];
    if (f) res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(f));
    else res.writeHead(200, { "content-type": "text/html" }).end(INDEX);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  return { origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, close: () => http.close() };
}
