/**
 * Reflection bench: what one spoofable source gets back from STUN and TURN (default configuration, loopback).
 * Per request kind: the reply size and its factor over the request; then a flood of 20-byte requests from one
 * source for 2 s, and the bytes that came back per second (the sustained amplification bound).
 *
 *   npx tsx bench/reflection/amplification.ts
 */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { createLogger, createMetricsRegistry } from "@switchboard/runtime";
import { StunClass, StunMethod, encodeStunMessage, newTransactionId } from "@switchboard/stun-codec";
import { createStunServer } from "../../services/stun/src/server.js";
import { loadStunConfig } from "../../services/stun/src/config.js";
import { createTurnServer, loadTurnConfig } from "../../services/turn/src/server.js";

const logger = createLogger({ name: "bench", level: "silent" });
const FLOOD_MS = 2000;

/** A request with no attributes: 20 bytes, the smallest a spoofer can send. */
const bare = (method: number): Uint8Array =>
  encodeStunMessage({ method, cls: StunClass.Request, transactionId: newTransactionId() });

async function client(): Promise<{ socket: Socket; received: number[] }> {
  const socket = createSocket("udp4");
  const received: number[] = [];
  socket.on("message", (m: Buffer) => received.push(m.length));
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return { socket, received };
}

async function oneReply(port: number, request: Uint8Array): Promise<number> {
  const c = await client();
  c.socket.send(request, port, "127.0.0.1");
  const deadline = Date.now() + 2000;
  while (c.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  c.socket.close();
  return c.received[0] ?? 0;
}

async function flood(
  port: number,
  method: number,
): Promise<{ sent: number; replies: number; bytes: number }> {
  const c = await client();
  const request = bare(method);
  let sent = 0;
  const end = Date.now() + FLOOD_MS;
  while (Date.now() < end) {
    for (let i = 0; i < 50; i++) c.socket.send(request, port, "127.0.0.1");
    sent += 50;
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 200));
  c.socket.close();
  return { sent, replies: c.received.length, bytes: c.received.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  const turn = createTurnServer({
    config: loadTurnConfig({ TURN_HOST: "127.0.0.1", TURN_PORT: "0", TURN_SECRET: "bench-secret-0123" }),
    logger,
    admin: false,
  });
  const turnPort = (await turn.start()).udp[0]?.port ?? 0;
  const stun = createStunServer({
    config: loadStunConfig({ env: { STUN_HOST: "127.0.0.1", STUN_PORT: "0", STUN_TCP: "false" } }),
    logger,
    registry: createMetricsRegistry(),
  });
  const stunPort = (await stun.listen()).udp.PP?.port ?? 0;
  const rows: string[] = [];
  const row = (what: string, reply: number) =>
    rows.push(`| ${what} | 20 | ${reply} | ${(reply / 20).toFixed(1)}× |`);
  row("TURN Allocate without credentials → 401", await oneReply(turnPort, bare(StunMethod.Allocate)));
  row("TURN Binding", await oneReply(turnPort, bare(StunMethod.Binding)));
  row("STUN Binding", await oneReply(stunPort, bare(StunMethod.Binding)));
  row("STUN unknown method → 400", await oneReply(stunPort, bare(0x003)));
  console.log("| request | request bytes | reply bytes | factor |\n| --- | --- | --- | --- |");
  console.log(rows.join("\n"));
  console.log(
    `\n| flood from one source, ${FLOOD_MS / 1000} s | requests sent | replies | reply bytes/s | bytes back per byte sent |`,
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const [name, port, method] of [
    ["TURN Allocate → 401", turnPort, StunMethod.Allocate],
    ["STUN Binding", stunPort, StunMethod.Binding],
  ] as const) {
    const f = await flood(port, method);
    console.log(
      `| ${name} | ${f.sent} | ${f.replies} | ${Math.round(f.bytes / (FLOOD_MS / 1000))} | ${(f.bytes / (f.sent * 20)).toFixed(3)} |`,
    );
  }
  await turn.close();
  await stun.close();
}

await main();
