// CPU cost per relayed message of the bus codec path, this build against another build's `store/bus-codec.js`
// (e.g. `bench/.before/<name>/store/bus-codec.js`), rounds alternating, medians. One iteration is what the two
// instances do per batch outside sockets: the sender turns each relayed frame into its bus line and the batch into
// what ioredis writes; the receiver turns what ioredis read into messages and each frame into its WebSocket frame.
//   node --conditions=source --import tsx bench/signaling/bus-codec-cost.ts <other build>/store/bus-codec.js
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { decodeBusBatch, encodeBusBatch } from "../../services/signaling/src/store/bus-codec.js";
import type { BusMessage } from "../../services/signaling/src/store/store.js";
import { encodeTextFrame, textFramePayload } from "../../services/signaling/src/state/text-frame.js";

type Old = {
  encodeBusBatch(msgs: readonly unknown[]): string;
  decodeBusBatch(raw: string): { kind: string; frame?: string }[];
};

const PREFIX = "*5\r\n$7\r\nEVALSHA\r\n";
const BATCH = 150; // messages per publish measured in the relay benchmark
const ITER = 400;
const ROUNDS = 7;
const candidate = (i: number) =>
  `{"v":1,"type":"signal","roomId":"bench-${i % 50}-abc123","from":"Zq0x9_Ab-${i}","data":{"kind":"candidate","candidate":{"candidate":"candidate:842163049 1 udp 1677729535 127.0.0.1 ${1000 + i} typ srflx","sdpMid":"0","sdpMLineIndex":0}}}`;
// The relayed frames as the sending instance holds them: WebSocket frames built in place.
const wires = Array.from({ length: BATCH }, (_, i) => encodeTextFrame(candidate(i)));

function ours(): number {
  const msgs: BusMessage[] = wires.map((w, i) => ({
    kind: "peer",
    to: `peer-${i}`,
    roomId: `bench-${i % 50}-abc123`,
    type: "signal",
    frame: textFramePayload(w),
  }));
  const wrote = encodeBusBatch(msgs); // a Buffer: ioredis copies it into the command once
  const command = Buffer.concat([Buffer.from(PREFIX), wrote]);
  let bytes = command.length;
  for (const m of decodeBusBatch(wrote))
    if (m.kind === "peer") bytes += encodeTextFrame(m.frame as Uint8Array).length;
  return bytes;
}

function theirs(old: Old): number {
  const msgs = wires.map((w, i) => ({
    kind: "peer",
    to: `peer-${i}`,
    roomId: `bench-${i % 50}-abc123`,
    type: "signal",
    frame: textFramePayload(w).toString("utf8"),
  }));
  const text = old.encodeBusBatch(msgs); // a string: ioredis writes it as UTF-8
  const command = Buffer.from(PREFIX + text);
  let bytes = command.length;
  const read = command.toString("utf8", PREFIX.length); // the subscriber's string
  for (const m of old.decodeBusBatch(read))
    if (m.frame !== undefined) bytes += encodeTextFrame(m.frame).length;
  return bytes;
}

function time(fn: () => number): number {
  const t0 = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < ITER; i++) sink += fn();
  const t = process.cpuUsage(t0);
  if (sink === 0) throw new Error("nothing done");
  return ((t.user + t.system) * 1000) / (ITER * BATCH); // ns per message
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error("usage: bus-codec-cost.ts <other build>/store/bus-codec.js");
  const old = (await import(pathToFileURL(resolve(file)).href)) as Old;
  for (let i = 0; i < 50; i++) {
    ours();
    theirs(old); // warm-up
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      a.push(time(ours));
      b.push(time(() => theirs(old)));
    } else {
      b.push(time(() => theirs(old)));
      a.push(time(ours));
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(
    `bus codec path, ns CPU per message: this build ${med(a).toFixed(0)} (${a.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(
    `bus codec path, ns CPU per message: other build ${med(b).toFixed(0)} (${b.map((x) => x.toFixed(0)).join(", ")})`,
  );
  console.log(`this / other: ${(med(a) / med(b)).toFixed(2)}× CPU per message`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
