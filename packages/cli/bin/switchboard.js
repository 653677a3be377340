#!/usr/bin/env node
// The `switchboard` command: runs the build (dist/) of src/main.ts. Kept outside dist so npm can link it at install
// time, before the first build.
import("../dist/main.js").then(
  (m) => m.runCli(),
  (err) => {
    const missing = err && err.code === "ERR_MODULE_NOT_FOUND";
    process.stderr.write(
      missing
        ? "switchboard: not built yet: run `npm run build` (or `npm start`, which builds) in the repository first\n"
        : `switchboard: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
