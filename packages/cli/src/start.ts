import type { ClientOptions } from "@switchboard/client";
import { ConfigError } from "./args.js";
import { EXIT, type CommandIO } from "./command.js";
import { createOutput, wantsColor, type Output } from "./output.js";

/** The configuration fields every subcommand that joins a meeting resolves. */
export interface JoinConfig {
  readonly meetingCode: string;
  readonly signalingUrl: string;
  readonly nodeId: string | undefined;
  readonly token: string | undefined;
  readonly relay: boolean;
  readonly stunServers?: readonly string[];
  readonly discovery?: "signaling" | "tracker" | "dht";
  readonly trackerUrls?: readonly string[];
  readonly dhtBootstrap?: readonly string[];
}

/**
 * A subcommand's start: resolves its configuration and opens its output. Returns the exit code instead when the run
 * ends here — `--help` (usage on stdout, 0) or a bad flag (`switchboard NAME: message` on stderr, 2).
 */
export function startCommand<C extends { readonly json: boolean; readonly debug?: boolean }>(
  name: string,
  usage: string,
  resolve: (args: readonly string[], env: NodeJS.ProcessEnv) => C | "help",
  args: readonly string[],
  io: CommandIO,
): { config: C; out: Output } | number {
  let config: C;
  try {
    const resolved = resolve(args, io.env);
    if (resolved === "help") {
      io.stdout.write(usage);
      return EXIT.ok;
    }
    config = resolved;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`switchboard ${name}: ${err.message}\n`);
    return EXIT.badConfig;
  }
  const out = createOutput({
    stdout: io.stdout,
    stderr: io.stderr,
    json: config.json,
    debug: config.debug ?? false,
    color: !config.json && wantsColor(io.stdout, io.env),
  });
  return { config, out };
}

/** The client options a resolved configuration asks for (the SDK adds the WebRTC stack). */
export function clientOptions(config: JoinConfig): Omit<ClientOptions, "rtc"> {
  return {
    signalingUrl: config.signalingUrl,
    meetingCode: config.meetingCode,
    ...(config.nodeId === undefined ? {} : { name: config.nodeId }),
    ...(config.token === undefined ? {} : { token: config.token }),
    ...(config.stunServers?.length ? { iceServers: [{ urls: [...config.stunServers] }] } : {}),
    iceTransportPolicy: config.relay ? "relay" : "all",
    ...(config.discovery && config.discovery !== "signaling"
      ? {
          discovery: config.discovery,
          ...(config.trackerUrls?.length ? { trackerUrls: [...config.trackerUrls] } : {}),
          ...(config.dhtBootstrap?.length ? { dhtBootstrap: [...config.dhtBootstrap] } : {}),
        }
      : {}),
  };
}
