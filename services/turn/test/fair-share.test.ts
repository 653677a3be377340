/**
 * Integration: with a low total relay capacity, two users relaying at once over real UDP sockets each get half,
 * even when one offers twice as much as the other (a plain shared bucket would split 2:1).
 */
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { TransportAddress } from "@switchboard/stun-codec";
import { TestTurnClient, errorCode } from "@switchboard/test-support";
import { startTurn } from "./support/harness.js";

const CAPACITY = 1_000_000;
const PACKET = 1000;
const WARMUP_MS = 1000;
const MEASURE_MS = 3000;

interface Sink {
  readonly address: TransportAddress;
  readonly socket: Socket;
  bytes: number;
}

/** A UDP peer that only counts what reaches it. */
async function startSink(): Promise<Sink> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const sink: Sink = {
    address: { family: "IPv4", address: "127.0.0.1", port: socket.address().port },
    socket,
    bytes: 0,
  };
  socket.on("message", (m) => (sink.bytes += m.length));
  return sink;
}

/**
 * Sends ChannelData from every client at its rate (bytes/s) until stopped. Each 5 ms tick interleaves the
 * clients' datagrams in proportion to their rates (2:1 → a a b a a b …), so a plain shared bucket would admit
 * them in that proportion; at most 50 ms is owed after a late timer.
 */
function blast(senders: ReadonlyArray<{ client: TestTurnClient; rate: number }>): () => void {
  const payload = Buffer.alloc(PACKET, 7);
  let last = performance.now();
  const owed = senders.map(() => 0);
  const timer = setInterval(() => {
    const now = performance.now();
    const slots: Array<{ at: number; client: TestTurnClient }> = [];
    senders.forEach(({ client, rate }, i) => {
      const due = Math.min((owed[i] ?? 0) + ((now - last) / 1000) * rate, rate * 0.05);
      const n = Math.floor(due / PACKET);
      owed[i] = due - n * PACKET;
      for (let k = 0; k < n; k++) slots.push({ at: (k + 0.5) / n, client });
    });
    last = now;
    slots.sort((a, b) => a.at - b.at);
    for (const { client } of slots) client.sendChannelData(0x4000, payload);
  }, 5);
  return () => clearInterval(timer);
}

describe("TURN relay capacity", () => {
  const cleanup: Array<() => unknown> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it("gives two simultaneous transfers a fair share each when the capacity is low", async () => {
    const h = await startTurn({ TURN_RELAY_BPS: String(CAPACITY) });
    cleanup.push(() => h.close());
    const users = [
      { username: "alice", password: "alice-pw", rate: 3 * CAPACITY },
      { username: "bob", password: "bob-pw", rate: 1.5 * CAPACITY },
    ];
    const flows = [];
    for (const u of users) {
      const sink = await startSink();
      const client = new TestTurnClient({ transport: "udp", server: h.udp, ...u });
      await client.open();
      cleanup.push(
        () => sink.socket.close(),
        () => client.close(),
      );
      assert.equal(errorCode(await client.allocate()), undefined);
      assert.equal(errorCode(await client.channelBind(0x4000, sink.address)), undefined);
      flows.push({ ...u, sink, client });
    }
    const stop = blast(flows);
    try {
      await new Promise((r) => setTimeout(r, WARMUP_MS));
      const start = flows.map((f) => f.sink.bytes);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const seconds = (performance.now() - t0) / 1000;
      const rates = flows.map((f, i) => (f.sink.bytes - (start[i] ?? 0)) / seconds);
      const fair = CAPACITY / 2;
      for (const [i, r] of rates.entries()) {
        assert.ok(
          Math.abs(r - fair) <= fair * 0.25,
          `${users[i]?.username} got ${Math.round(r)} B/s, fair share ${fair} B/s (±25 %); all: ${rates.map(Math.round).join(", ")}`,
        );
      }
      const total = rates.reduce((s, r) => s + r, 0);
      assert.ok(total <= CAPACITY * 1.1, `${Math.round(total)} B/s relayed past a ${CAPACITY} B/s capacity`);
    } finally {
      stop();
    }
    const dropped = await h.server.registry.getSingleMetricAsString("turn_dropped_packets_total");
    assert.match(dropped, /reason="capacity"\} [1-9]/);
  });
});
