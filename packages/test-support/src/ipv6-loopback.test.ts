import { it } from "@jest/globals";
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { hasIpv6Loopback } from "./ipv6-loopback.js";

it("hasIpv6Loopback agrees with the interface list", async () => {
  const listed = Object.values(networkInterfaces()).some((addrs) =>
    (addrs ?? []).some((a) => a.family === "IPv6" && a.address === "::1"),
  );
  assert.equal(await hasIpv6Loopback(), listed);
});
