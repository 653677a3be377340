// The settings every jest project shares (jest.config.mjs; the sanitizer test's child run reuses them).
// ESM TypeScript through @swc/jest (no type check: tsc does that); workspace packages resolve to their TypeScript
// sources through the "source" export condition, as tsx --conditions=source did.
import { fileURLToPath } from "node:url";

const swc = [
  "@swc/jest",
  {
    jsc: { parser: { syntax: "typescript" }, target: "es2022", keepClassNames: true },
    module: { type: "es6" },
    sourceMaps: "inline",
  },
];
// ESM-only packages that CommonJS dependencies require(): fastify's inject() pulls in `cookie`, @fastify/static (under
// @fastify/swagger-ui) `content-disposition`. Compiled to CommonJS.
const ESM_ONLY = "(cookie|content-disposition)";
const swcCjs = ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }];

// As under node's runner (--test-timeout=300000): a test or hook without its own timeout is bounded by this.
// (A global option: jest.config.mjs sets it at its top level, the sanitizer test's child run on its command line.)
export const TEST_TIMEOUT = 300_000;

export const IGNORED = [
  "/node_modules/",
  "/dist/",
  "/\\.turbo/",
  "/bench/\\.peers/",
  "/bench/\\.before/",
  "/results/",
];

/** A project's common settings; `roots` are the folders jest looks in for tests. */
export function baseProject(rootDir, roots = [rootDir]) {
  return {
    rootDir,
    roots,
    testEnvironment: fileURLToPath(new URL("environment.mjs", import.meta.url)),
    testEnvironmentOptions: { customExportConditions: ["source", "node", "node-addons"] },
    extensionsToTreatAsEsm: [".ts"],
    moduleFileExtensions: ["ts", "js", "mjs", "cjs", "json", "node"],
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    transform: { "^.+\\.ts$": swc, [`/node_modules/${ESM_ONLY}/.+\\.js$`]: swcCjs },
    transformIgnorePatterns: [`/node_modules/(?!${ESM_ONLY}/)`],
  };
}
