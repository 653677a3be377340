import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { BELOW_EPHEMERAL, freePort, freeUdpPort, freeUdpRange } from "./free-port.js";

const listenTcp = (port: number, host = "127.0.0.1"): Promise<void> => {
  const s = createServer();
  return new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, host, () => s.close(() => resolve()));
  });
};
const bindUdp = (port: number, host = "127.0.0.1"): Promise<void> => {
  const s = createSocket(host.includes(":") ? "udp6" : "udp4");
  return new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(port, host, () => s.close(() => resolve()));
  });
};

describe("freePort", () => {
  it("returns a TCP port that can be listened on", async () => {
    const port = await freePort();
    assert.ok(port > 0);
    await listenTcp(port);
  });
  it("with protocol both, the number is free for TCP and UDP", async () => {
    const port = await freePort({ protocol: "both" });
    await listenTcp(port);
    await bindUdp(port);
  });
  it("with a range, stays inside it (below the ephemeral range)", async () => {
    for (let i = 0; i < 5; i++) {
      const port = await freePort({ protocol: "udp", range: BELOW_EPHEMERAL });
      assert.ok(port >= BELOW_EPHEMERAL.from && port < BELOW_EPHEMERAL.to, String(port));
      await bindUdp(port);
    }
  });
  it("skips a taken port", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const a = s.address();
    const taken = typeof a === "object" && a ? a.port : 0;
    try {
      const port = await freePort({ range: { from: taken, to: taken + 2 } });
      assert.equal(port, taken + 1);
    } finally {
      s.close();
    }
  });
});

describe("freeUdpPort / freeUdpRange", () => {
  it("finds a UDP port on the given loopback address", async () => {
    const port = await freeUdpPort("127.0.0.1");
    await bindUdp(port);
  });
  it("finds consecutive UDP ports", async () => {
    const { min, max } = await freeUdpRange(4);
    assert.equal(max - min, 3);
    for (let p = min; p <= max; p++) await bindUdp(p);
  });
});
