#!/usr/bin/env node
// The SDK's browser build: dist/index.js (after tsc) and everything it imports bundled by esbuild into one minified
// ES module, dist/browser/switchboard.js (+ source map). Discovery without signaling (`discovery: "tracker"`,
// dist/discovery/create.js and what it imports) is left out of it: the root loads it with a dynamic import of
// ./switchboard-discovery.js, a second bundle beside it that takes SwitchboardError from ./switchboard.js (one
// error class for both). Prints the sizes raw and gzipped (the root's min+gzip is the figure the benchmark
// tracks: target <= 30 KB). Fails if anything in either bundle reaches for a Node built-in.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const out = `${pkg}dist/browser/`;
const common = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome100", "firefox100", "safari16"],
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
};
/** Resolves `filter` imported from the SDK's own dist/ to an external sibling bundle. */
const sibling = (name, filter, file) => ({
  name,
  setup(b) {
    b.onResolve({ filter }, (args) =>
      args.importer.startsWith(`${pkg}dist/`) ? { path: `./${file}`, external: true } : undefined,
    );
  },
});

await build({
  ...common,
  entryPoints: [`${pkg}dist/index.js`],
  outfile: `${out}switchboard.js`,
  plugins: [sibling("discovery-chunk", /^\.\/create\.js$/, "switchboard-discovery.js")],
});
await build({
  ...common,
  entryPoints: [`${pkg}dist/discovery/create.js`],
  outfile: `${out}switchboard-discovery.js`,
  plugins: [sibling("root-errors", /^\.\.\/errors\.js$/, "switchboard.js")],
});

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const file of ["switchboard.js", "switchboard-discovery.js"]) {
  const code = readFileSync(`${out}${file}`);
  console.log(
    `@switchboard/client browser build: dist/browser/${file} ${kb(code.length)} minified, ` +
      `${kb(gzipSync(code, { level: 9 }).length)} min+gzip`,
  );
}
