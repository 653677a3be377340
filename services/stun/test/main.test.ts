import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { StunClass } from "@switchboard/stun-codec";
import { spawnService } from "./helpers/process.js";
import { readReply, request } from "./helpers/stun.js";
import { TcpClient, UdpClient, waitFor } from "./helpers/server.js";

interface Endpoint {
  address: string;
  port: number;
}
interface Addresses {
  udp: { PP: Endpoint };
  tcp: { PP: Endpoint };
}

const base = { STUN_HOST: "127.0.0.1", STUN_PORT: "0", STUN_ADMIN_PORT: "0" };

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("main.ts", () => {
  it("prints every configuration problem and exits 2 before opening any socket", async () => {
    const p = spawnService({ STUN_PORT: "70000", STUN_WORKERS: "many", STUN_ALT_HOST: "127.0.0.2" });
    try {
      assert.equal(await p.exited(), 2);
      const err = p.stderr();
      assert.match(err, /STUN_PORT: expected an integer/);
      assert.match(err, /STUN_WORKERS: expected an integer/);
      assert.equal(p.lines.length, 0, "nothing logged: nothing started");
    } finally {
      p.kill();
    }
  });

  it("exits 1 when the workers cannot bind their port", async () => {
    const blocker = await UdpClient.open();
    const p = spawnService({ ...base, STUN_PORT: String(blocker.port), STUN_WORKERS: "2" });
    try {
      assert.equal(await p.exited(), 1);
      assert.match(p.stderr(), /could not listen: bind EADDRINUSE/);
    } finally {
      blocker.close();
      p.kill();
    }
  });

  it("serves in one process (STUN_WORKERS=1), answers the admin API and stops on SIGTERM", async () => {
    const p = spawnService({ ...base, STUN_WORKERS: "1" });
    try {
      const { url } = (await p.line("admin listening")) as { url: string };
      const { addresses } = (await p.line("stun listening")) as unknown as { addresses: Addresses };
      const health = await getJson(`${url}/health`);
      assert.equal(health.status, 200);
      const udp = await UdpClient.open();
      const tcp = await TcpClient.open(addresses.tcp.PP.port);
      try {
        udp.send(request().bytes, addresses.udp.PP.port, "127.0.0.1");
        assert.equal(readReply((await udp.next()).data).cls, StunClass.SuccessResponse);
        tcp.write(request().bytes);
        assert.equal(readReply(await tcp.next()).cls, StunClass.SuccessResponse);
      } finally {
        udp.close();
        tcp.close();
      }
      const stats = await getJson(`${url}/stats`);
      assert.deepEqual(stats.body["stun_requests_total"], {
        "transport=udp,result=success": 1,
        "transport=udp,result=bad_request": 0,
        "transport=udp,result=unknown_attribute": 0,
        "transport=udp,result=indication": 0,
        "transport=udp,result=rate_limited": 0,
        "transport=udp,result=dropped": 0,
        "transport=udp,result=handler_error": 0,
        "transport=tcp,result=success": 1,
        "transport=tcp,result=bad_request": 0,
        "transport=tcp,result=unknown_attribute": 0,
        "transport=tcp,result=indication": 0,
        "transport=tcp,result=rate_limited": 0,
        "transport=tcp,result=dropped": 0,
        "transport=tcp,result=handler_error": 0,
      });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, /stun_requests_total\{transport="udp",result="success"\} 1/);
      p.child.kill("SIGTERM");
      assert.equal(await p.exited(), 0);
      await p.line("stopped");
    } finally {
      p.kill();
    }
  });

  it("runs cluster workers, aggregates their metrics and stops them all on SIGTERM", async () => {
    const p = spawnService({ ...base, STUN_WORKERS: "2" });
    try {
      const { url } = (await p.line("admin listening")) as { url: string };
      const { addresses } = (await p.line("stun serving")) as unknown as { addresses: Addresses };
      assert.equal((await getJson(`${url}/health`)).status, 200);
      // 20 clients: each worker has its own SO_REUSEPORT socket and the kernel spreads clients by address.
      const clients = await Promise.all(Array.from({ length: 20 }, () => UdpClient.open()));
      try {
        for (const c of clients) c.send(request().bytes, addresses.udp.PP.port, "127.0.0.1");
        for (const c of clients) await c.next();
      } finally {
        for (const c of clients) c.close();
      }
      await waitFor(async () => {
        const stats = await getJson(`${url}/stats`);
        const requests = stats.body["stun_requests_total"] as Record<string, number> | undefined;
        return requests?.["transport=udp,result=success"] === 20;
      });
      const stats = await getJson(`${url}/stats`);
      assert.deepEqual(stats.body["workers"], { configured: 2, serving: 2 });
      if (process.platform === "linux") assert.equal(stats.body["udpIo"], "native");

      const listening = () =>
        p.lines.filter((l) => l["msg"] === "stun listening").map((l) => Number(l["pid"]));
      assert.equal(listening().length, 2);
      // A worker that dies is replaced, and /health stays up meanwhile (the other one serves).
      process.kill(listening()[0] ?? 0, "SIGKILL");
      await waitFor(() => listening().length === 3, 10_000);
      assert.equal((await getJson(`${url}/health`)).status, 200);
      await waitFor(async () => {
        const w = (await getJson(`${url}/stats`)).body["workers"] as { serving: number } | undefined;
        return w?.serving === 2;
      });
      const workerPids = listening().slice(1);
      p.child.kill("SIGTERM");
      assert.equal(await p.exited(), 0);
      for (const pid of workerPids) {
        assert.throws(() => process.kill(pid, 0), "worker gone");
      }
    } finally {
      p.kill();
    }
  });
});
