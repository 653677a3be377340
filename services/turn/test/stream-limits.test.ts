/**
 * TCP/TLS connection limits on real loopback sockets: a per-address cap, one total for TCP and TLS together, and
 * a deadline for the first authenticated request on a new connection.
 */
import { afterAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as tcpConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { TestTurnClient, errorCode } from "@switchboard/test-support";
import { makeSelfSignedCert } from "./support/cert.js";
import { startTurn, type Harness } from "./support/harness.js";

/** A connection and whether the server has closed it. */
interface Conn {
  readonly socket: Socket;
  readonly closed: () => boolean;
}

function track(socket: Socket, ready: string): Promise<Conn> {
  let closed = false;
  socket.on("error", () => {});
  socket.on("close", () => (closed = true));
  return new Promise((resolve) => {
    const done = () => resolve({ socket, closed: () => closed });
    socket.once(ready, done);
    socket.once("close", done);
  });
}

const tcp = (h: Harness, localAddress = "127.0.0.1"): Promise<Conn> =>
  track(tcpConnect({ host: h.tcp.address, port: h.tcp.port, localAddress }), "connect");

const tls = (h: Harness): Promise<Conn> => {
  const t = h.tls;
  if (t === undefined) throw new Error("no TLS listener");
  return track(tlsConnect({ host: t.address, port: t.port, rejectUnauthorized: false }), "secureConnect");
};

/** Polls until `check` holds (or fails after a generous deadline). */
async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("TURN over TCP/TLS: connection limits", () => {
  const dir = mkdtempSync(join(tmpdir(), "turnhard-stream-"));
  makeSelfSignedCert(join(dir, "key.pem"), join(dir, "cert.pem"));
  const cleanup: Array<() => unknown> = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
    rmSync(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string>): Promise<Harness> => {
    const h = await startTurn({
      TURN_TLS_PORT: "0",
      TURN_TLS_CERT: join(dir, "cert.pem"),
      TURN_TLS_KEY: join(dir, "key.pem"),
      ...env,
    });
    cleanup.push(() => h.close());
    return h;
  };
  const keep = (c: Conn): Conn => {
    cleanup.push(() => c.socket.destroy());
    return c;
  };

  it("caps connections per client address; other addresses still get in", async () => {
    const h = await start({ TURN_MAX_TCP_CONNECTIONS_PER_IP: "3" });
    const conns = await Promise.all(Array.from({ length: 5 }, () => tcp(h).then(keep)));
    await until(() => conns.filter((c) => c.closed()).length >= 2, "two connections refused");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(conns.filter((c) => !c.closed()).length, 3);
    const other = keep(await tcp(h, "127.0.0.2"));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(other.closed(), false, "another address is not held by the first one's connections");
    const refused = await h.server.registry.getSingleMetricAsString("turn_connections_rejected_total");
    assert.match(refused, /reason="address_limit"\} 2/);
  });

  it("TURN_MAX_TCP_CONNECTIONS counts TCP and TLS together", async () => {
    const h = await start({ TURN_MAX_TCP_CONNECTIONS: "2" });
    const a = keep(await tcp(h));
    const b = keep(await tls(h));
    assert.equal(a.closed() || b.closed(), false);
    const c = keep(await tls(h));
    const d = keep(await tcp(h));
    await until(() => c.closed() && d.closed(), "connections beyond the total refused");
    assert.equal(a.closed() || b.closed(), false);
    a.socket.destroy();
    // A slot freed by a closed connection is available again (once the server has seen the close).
    const settled = async (): Promise<Conn> => {
      const c = keep(await tcp(h));
      await new Promise((r) => setTimeout(r, 150));
      return c;
    };
    let e = await settled();
    for (let i = 0; i < 40 && e.closed(); i++) e = await settled();
    assert.equal(e.closed(), false);
  });

  it("closes a connection that sends no authenticated request before the deadline; keeps one that does", async () => {
    const h = await start({ TURN_TCP_FIRST_REQUEST_TIMEOUT: "1" });
    const started = Date.now();
    const silent = keep(await tcp(h));
    const tlsSilent = keep(await tls(h));
    const client = new TestTurnClient({
      transport: "tcp",
      server: h.tcp,
      username: "alice",
      password: "alice-pw",
    });
    await client.open();
    cleanup.push(() => client.close());
    assert.equal(errorCode(await client.allocate()), undefined);
    await until(() => silent.closed() && tlsSilent.closed(), "silent connections closed", 10_000);
    assert.ok(Date.now() - started >= 900, "not before the deadline");
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(errorCode(await client.refresh()), undefined, "the authenticated connection stays");
    assert.equal(h.server.allocations.size, 1);
  });
});
