#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { EXIT, type Command, type CommandIO } from "./command.js";

/** Each subcommand lives in its own module under ./commands and is loaded only when used. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  peer: { summary: "join a meeting as a Node peer and stay", load: () => import("./commands/peer.js") },
  share: { summary: "share files and seed until stopped", load: () => import("./commands/share.js") },
  get: { summary: "download a shared file by its link", load: () => import("./commands/get.js") },
  nat: { summary: "find this host's NAT type and what to expect", load: () => import("./commands/nat.js") },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(6)} ${c.summary}`);
  return `usage: switchboard <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nswitchboard <command> --help for a command's options\n`;
}

export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage());
    return name === undefined ? EXIT.badConfig : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`switchboard: unknown command "${name}"\n\n${usage()}`);
    return EXIT.badConfig;
  }
  const { run } = await command.load();
  return run(rest, io);
}

/** Runs the command line of this process: signals abort the command, its exit code ends the process. */
export function runCli(): void {
  const controller = new AbortController();
  let stopping = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(130);
      stopping = true;
      controller.abort();
    });
  }
  const io: CommandIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: controller.signal,
  };
  // The command has finished once its promise settles: exit then, rather than waiting on stdin or a library's
  // leftover timers (stdout and stderr are synchronous on Linux for files, pipes and terminals).
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`switchboard: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(EXIT.failure);
    },
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) runCli();
