import { createInterface } from "node:readline";
import { EXIT, type Command } from "../command.js";
import type { Output } from "../output.js";
import { PEER_USAGE, resolvePeerConfig } from "../peer/config.js";
import { describeEvent, eventFields } from "../peer/describe.js";
import { describeFailure, errorCode, isFatal } from "../peer/failure.js";
import { loadSdk } from "../peer/load-sdk.js";
import type { SwitchboardClient } from "@switchboard/client";
import { clientOptions, startCommand } from "../start.js";

/** `switchboard peer`: join a meeting, stay, print what happens, send stdin lines to every connected peer. */
export const run: Command = async (args, io) => {
  const started = startCommand("peer", PEER_USAGE, resolvePeerConfig, args, io);
  if (typeof started === "number") return started;
  const { config, out } = started;
  const ctx = {
    signalingUrl: config.signalingUrl,
    meetingCode: config.meetingCode,
    discovery: config.discovery,
  };

  const sdk = await loadSdk();
  const client = sdk.create(clientOptions(config));

  // A fatal error (from an event or a rejected call) or a signal ends the run; the first one decides the exit code.
  let settle!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (settle = resolve));
  let done = false;
  const finish = (err?: unknown): void => {
    if (done) return;
    done = true;
    if (err !== undefined) io.stderr.write(`switchboard peer: ${describeFailure(err, ctx)}\n`);
    settle(err === undefined ? EXIT.ok : EXIT.failure);
  };
  if (io.signal.aborted) finish();
  io.signal.addEventListener("abort", () => finish(), { once: true });

  const names = new Map<string, string>();
  const connected = new Set<string>();
  for (const name of sdk.events) {
    client.on(name, (payload) => {
      const fields = eventFields(payload);
      const peerId = typeof fields.peerId === "string" ? fields.peerId : undefined;
      if (name === "peerDiscovered" && peerId !== undefined && typeof fields.name === "string")
        names.set(peerId, fields.name);
      if (name === "connectionEstablished" && peerId !== undefined) connected.add(peerId);
      if ((name === "connectionClosed" || name === "peerLeft") && peerId !== undefined)
        connected.delete(peerId);
      const human = describeEvent(name, payload, names, out.style);
      out.event(name, fields, human);
      if (human === null) out.debug(`${name} ${JSON.stringify(fields)}`);
      if (name === "connectionEstablished" && config.debug) void debugStats(client, out);
      if (name === "error" && isFatal(errorCode(payload))) finish(payload);
      const ending = ENDING_EVENTS[name];
      if (ending !== undefined) finish(Object.assign(new Error(name), { code: ending }));
    });
  }

  const steps = (async () => {
    await client.initializeNode();
    if (config.relay) await requireTurn(client);
    await client.discoverPeers(config.meetingCode);
    if (!config.json)
      out.note(
        out.style(
          "gray",
          `type a line to send it to every connected peer${config.relay ? " (relay only)" : ""}; Ctrl-C leaves`,
        ),
      );
  })();
  steps.catch((err: unknown) => finish(err ?? new Error("failed")));

  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  lines.on("line", (line) => {
    if (line === "") return;
    if (connected.size === 0) {
      out.warn("no connected peer yet: line not sent");
      return;
    }
    client.broadcast(line).catch((err: unknown) => out.warn(`send failed: ${describeFailure(err, ctx)}`));
  });

  const code = await finished;
  lines.close();
  await Promise.race([
    client.disconnect().catch(() => undefined),
    new Promise((r) => setTimeout(r, 5000).unref()),
  ]);
  return code;
};

/** Events after which the peer is out of the meeting for good, with the failure code they stand for. */
const ENDING_EVENTS: Partial<Record<string, string>> = {
  kicked: "kicked",
  lobbyDenied: "lobby_denied",
  roomEnded: "meeting_ended",
};

/** --relay with no TURN server from signaling can never connect: say so at once instead of timing out. */
async function requireTurn(client: SwitchboardClient): Promise<void> {
  const health = await client.healthCheck();
  if (!health.turnConfigured) throw Object.assign(new Error("no TURN server"), { code: "turn_unavailable" });
}

async function debugStats(client: SwitchboardClient, out: Output): Promise<void> {
  try {
    out.debug(`stats ${JSON.stringify(await client.getStats())}`);
  } catch (err) {
    out.debug(`stats unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
