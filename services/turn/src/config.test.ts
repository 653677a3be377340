import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { ConfigError } from "@switchboard/runtime";
import { loadTurnConfig, relayAddresses } from "./config.js";

const problems = (env: Record<string, string>): readonly string[] => {
  try {
    loadTurnConfig(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
};

describe("TURN configuration", () => {
  it("has the documented defaults", () => {
    const c = loadTurnConfig({ TURN_HOST: "192.0.2.10", TURN_SECRET: "s" });
    assert.equal(c.port, 3479);
    assert.equal(c.adminHost, "127.0.0.1");
    assert.equal(c.adminPort, 9479);
    assert.deepEqual(c.secrets, ["s"]);
    assert.deepEqual(relayAddresses(c), [{ family: 4, bind: "192.0.2.10", advertised: "192.0.2.10" }]);
  });

  it("lists every problem at once: no credentials, wildcard relay, bad ranges, half TLS", () => {
    const p = problems({
      TURN_MIN_PORT: "60000",
      TURN_MAX_PORT: "50000",
      TURN_TLS_CERT: "/x.pem",
      TURN_ALLOWED_PEER_IPS: "10.0.0.0/8",
    });
    assert.ok(p.some((l) => l.includes("TURN_USERS or TURN_SECRET")));
    assert.ok(p.some((l) => l.includes("TURN_MIN_PORT")));
    assert.ok(p.some((l) => l.includes("TURN_TLS_CERT and TURN_TLS_KEY")));
    assert.ok(p.some((l) => l.includes("TURN_RELAY_HOST or TURN_EXTERNAL_HOST")));
  });

  it("shares a relay capacity fairly by default, with no fixed per-user or per-allocation cap", () => {
    const c = loadTurnConfig({ TURN_HOST: "192.0.2.10", TURN_SECRET: "s" });
    assert.equal(c.relayBytesPerSecond, 250_000_000);
    assert.equal(c.userBytesPerSecond, 0);
    assert.equal(c.userBurstBytes, 0);
    assert.equal(c.bytesPerSecond, 0);
  });

  it("checks the bandwidth settings", () => {
    const base = { TURN_HOST: "192.0.2.10", TURN_SECRET: "s" };
    const p = problems({ ...base, TURN_RELAY_BPS: "1000", TURN_USER_BURST: "5000" });
    assert.ok(p.some((l) => l.startsWith("TURN_RELAY_BPS")));
    assert.ok(p.some((l) => l.startsWith("TURN_USER_BURST")));
    assert.ok(problems({ ...base, TURN_USER_BPS: "-5" }).some((l) => l.startsWith("TURN_USER_BPS")));
    assert.ok(problems({ ...base, TURN_RELAY_BPS: "fast" }).some((l) => l.startsWith("TURN_RELAY_BPS")));
    const ok = loadTurnConfig({
      ...base,
      TURN_RELAY_BPS: "0",
      TURN_USER_BPS: "2000000",
      TURN_USER_BURST: "8000000",
    });
    assert.equal(ok.relayBytesPerSecond, 0);
    assert.equal(ok.userBurstBytes, 8_000_000);
  });

  it("rejects malformed lists", () => {
    const p = problems({
      TURN_HOST: "not-an-ip",
      TURN_USERS: "nocolon",
      TURN_DENIED_PEER_IPS: "10.0.0.0/99",
      TURN_RELAY_HOST: "192.0.2.1,192.0.2.2",
    });
    assert.ok(p.some((l) => l.startsWith("TURN_HOST")));
    assert.ok(p.some((l) => l.startsWith("TURN_USERS")));
    assert.ok(p.some((l) => l.startsWith("TURN_DENIED_PEER_IPS")));
  });

  it("binds relays to TURN_RELAY_HOST per family and advertises TURN_EXTERNAL_HOST", () => {
    const c = loadTurnConfig({
      TURN_HOST: "0.0.0.0,::",
      TURN_USERS: "a:b",
      TURN_RELAY_HOST: "10.0.0.5,fd00::5",
      TURN_EXTERNAL_HOST: "203.0.113.5",
    });
    assert.deepEqual(relayAddresses(c), [
      { family: 4, bind: "10.0.0.5", advertised: "203.0.113.5" },
      { family: 6, bind: "fd00::5", advertised: "fd00::5" },
    ]);
  });
});
