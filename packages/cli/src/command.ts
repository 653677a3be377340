/** What every subcommand gets: its own arguments and the process's streams, so tests can run it in-process. */
export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM: a long-running command stops cleanly and resolves its exit code. */
  readonly signal: AbortSignal;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failure: 1, badConfig: 2 } as const;

/** A subcommand module exports `run`, resolving to the process exit code. */
export type Command = (args: readonly string[], io: CommandIO) => Promise<number>;
