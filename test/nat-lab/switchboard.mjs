// The `switchboard` command from the sources, for the lab's namespaces (run with tsx: what bin/switchboard.js runs
// from dist). Plain JS so the root test type check does not pull in the SDK (which needs the DOM types).
import { runCli } from "../../packages/cli/src/main.ts";

runCli();
