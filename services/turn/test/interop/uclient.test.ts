/**
 * Interop: coturn's turnutils_uclient against our TURN server with turnutils_peer as the echo peer — UDP with
 * channels, Send indications (-s), TCP (-t), TLS (-t -S), REST credentials (-W) — every message must come back.
 * And: an allocation relays to a loopback peer only when TURN_ALLOWED_PEER_IPS allows it.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeSelfSignedCert } from "../support/cert.js";
import { startTurn, type Harness } from "../support/harness.js";
import { runUclient, startCoturnPeer } from "./coturn-tools.js";

const MESSAGES = 20;
const SECRET = "interop-rest-secret";

describe("coturn turnutils_uclient against our server", () => {
  let h: Harness;
  let peer: { port: number; stop(): void };
  let dir: string;
  let tlsPort = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "turn-interop-"));
    makeSelfSignedCert(join(dir, "key.pem"), join(dir, "cert.pem"));
    h = await startTurn({
      TURN_USERS: "alice:alice-pw",
      TURN_SECRET: `old-secret,${SECRET}`,
      TURN_TLS_PORT: "0",
      TURN_TLS_CERT: join(dir, "cert.pem"),
      TURN_TLS_KEY: join(dir, "key.pem"),
    });
    tlsPort = h.tls?.port ?? 0;
    peer = await startCoturnPeer();
  });
  afterAll(async () => {
    peer.stop();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const common = (port: number) => [
    ...["-e", "127.0.0.1", "-r", String(peer.port), "-n", String(MESSAGES), "-m", "1", "-l", "120"],
    ...["-p", String(port), "127.0.0.1"],
  ];
  const longTerm = ["-u", "alice", "-w", "alice-pw"];
  const cases: Array<[string, () => string[]]> = [
    ["UDP with channels", () => [...longTerm, ...common(h.udp.port)]],
    ["UDP with Send indications (-s)", () => ["-s", ...longTerm, ...common(h.udp.port)]],
    ["TCP (-t)", () => ["-t", ...longTerm, ...common(h.tcp.port)]],
    ["TCP with Send indications (-t -s)", () => ["-t", "-s", ...longTerm, ...common(h.tcp.port)]],
    ["TLS (-t -S)", () => ["-t", "-S", ...longTerm, ...common(tlsPort)]],
    ["REST API credentials (-W)", () => ["-W", SECRET, "-u", "user42", ...common(h.udp.port)]],
  ];
  for (const [name, args] of cases) {
    it(`${name}: every message comes back`, async () => {
      const r = await runUclient(args());
      // -m 1 runs an RTP and an RTCP session: twice the messages.
      assert.equal(r.sent, 2 * MESSAGES, r.output.slice(-2000));
      assert.equal(r.received, r.sent, r.output.slice(-2000));
      assert.equal(r.lost, 0);
    });
  }

  it("refuses a loopback peer unless TURN_ALLOWED_PEER_IPS allows it", async () => {
    const closed = await startTurn({ TURN_USERS: "alice:alice-pw", TURN_ALLOWED_PEER_IPS: "" });
    try {
      const r = await runUclient([...longTerm, ...common(closed.udp.port)], 20_000);
      assert.match(r.output, /error 403/);
      assert.equal(r.received, 0);
      const metrics = await closed.server.registry.metrics();
      assert.match(metrics, /turn_relayed_packets_total\{direction="client_to_peer"\} 0/);
    } finally {
      await closed.close();
    }
  });
});
