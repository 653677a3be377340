// Jest runs every suite (scripts/run-tests.mjs and `npm test` drive it). Projects:
//   unit     unit + integration tests: {packages,services,test}/**/*.test.ts, not interop/ and not test/deploy/
//   deploy   the deploy suite: test/deploy/*.test.ts (Dockerfile, compose, nginx, Prometheus, Grafana, start)
//   interop  third-party clients (coturn, Chromium, libtorrent…): **/interop/**/*.test.ts
// One suite: `node scripts/run-tests.mjs unit`, or
//   NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects unit
//   NODE_OPTIONS=--experimental-vm-modules npx jest services/stun      (a path pattern)
import { baseProject, IGNORED, TEST_TIMEOUT } from "./scripts/jest/project.mjs";

const root = import.meta.dirname;
const roots = ["packages", "services", "test"].map((d) => `${root}/${d}`);

// Jest needs node --experimental-vm-modules for ESM: workers of a multi-file run inherit this (a run of a single
// file happens in this very process, which then needs the flag on its own command line: use run-tests.mjs).
if (!(process.env.NODE_OPTIONS ?? "").includes("--experimental-vm-modules"))
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim();
// The test mode the services and helpers know; set here so that child processes of the workers inherit it.
process.env.SWITCHBOARD_TEST = "1";

/** @type {import('jest').Config} */
export default {
  testTimeout: TEST_TIMEOUT,
  // A fresh worker process for every test file, as node's runner gave each file a process of its own: the
  // datagram addon initialises once per process, and services, sockets and timers a file leaves behind must not
  // reach the next file. (Any limit below a process's size recycles the worker after each file; it also makes
  // jest always use workers, so a single-file run gets the --experimental-vm-modules set above.)
  workerIdleMemoryLimit: "1KB",
  projects: [
    {
      ...baseProject(root, roots),
      displayName: "unit",
      testMatch: ["<rootDir>/{packages,services,test}/**/*.test.ts"],
      testPathIgnorePatterns: [...IGNORED, "/interop/", "<rootDir>/test/deploy/"],
    },
    {
      ...baseProject(root, [`${root}/test/deploy`]),
      displayName: "deploy",
      testMatch: ["<rootDir>/test/deploy/**/*.test.ts"],
      testPathIgnorePatterns: [...IGNORED, "/interop/"],
    },
    {
      ...baseProject(root, roots),
      displayName: "interop",
      testMatch: ["<rootDir>/{packages,services,test}/**/interop/**/*.test.ts"],
      testPathIgnorePatterns: IGNORED,
    },
  ],
};
