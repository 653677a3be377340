#!/usr/bin/env node
// The SDK's browser build: dist/index.js (after tsc) and everything it imports bundled by esbuild into one minified
// ES module, dist/browser/switchboard.js (+ source map). Prints its size raw and gzipped (the figure the benchmark
// tracks: target <= 30 KB). Fails if anything in the root entry reaches for a Node built-in.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${pkg}dist/browser/switchboard.js`;

await build({
  entryPoints: [`${pkg}dist/index.js`],
  outfile,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome100", "firefox100", "safari16"],
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
});

const code = readFileSync(outfile);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `@switchboard/client browser build: dist/browser/switchboard.js ${kb(code.length)} minified, ` +
    `${kb(gzipSync(code, { level: 9 }).length)} min+gzip`,
);
