// The reference for bench/files: a bare data-channel pump on the same stack (the SDK on node-datachannel) and the
// same link. Run as two processes in one meeting:
//   pump.ts send <signalingUrl> <meeting> <bytes> <messageBytes>   sends <bytes> to the first peer it connects to
//   pump.ts recv <signalingUrl> <meeting> <bytes>                  prints {"event":"done","bytes","ms"} when all came
import { SwitchboardClient, nodeRtc } from "@switchboard/client/node";

const [role, signalingUrl, meetingCode, bytesArg, sizeArg] = process.argv.slice(2);
if (!role || !signalingUrl || !meetingCode || !bytesArg)
  throw new Error("usage: pump.ts send|recv URL MEETING BYTES [MSG]");
const total = Number(bytesArg);
const client = new SwitchboardClient({ signalingUrl, meetingCode, name: `pump-${role}`, rtc: nodeRtc() });
const say = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(JSON.stringify({ event, ...fields }) + "\n");
};

if (role === "recv") {
  client.onChannel("bench-pump", (ch) => {
    let got = 0;
    let t0 = 0;
    ch.onmessage = (d) => {
      if (typeof d === "string") return;
      if (got === 0) {
        t0 = performance.now();
        say("first");
      }
      got += d.length;
      if (got >= total) {
        say("done", { bytes: got, ms: performance.now() - t0 });
        void client.disconnect().finally(() => process.exit(0));
      }
    };
  });
} else {
  const size = Number(sizeArg ?? 16384);
  let started = false;
  client.on("connectionEstablished", ({ peerId }) => {
    if (started) return;
    started = true;
    void (async () => {
      const ch = await client.openChannel(peerId, "bench-pump");
      const chunk = new Uint8Array(size).fill(1);
      for (let sent = 0; sent < total; sent += size) await ch.send(chunk);
      say("sent", { bytes: total });
    })();
  });
}
await client.initializeNode();
await client.discoverPeers(meetingCode);
say("ready");
