/**
 * Interop with the `stun` npm package's client (2.1.0, what a Node user would reach for): its Binding requests over
 * UDP get our answer, and the XOR-MAPPED-ADDRESS it decodes is its own socket's address and port.
 */
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import stun from "stun";
import { startTestServer, within, type TestServer } from "../helpers/server.js";

const RETRIES = { timeout: 250, retries: 8 };

async function boundSocket(): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

const successes = async (t: TestServer): Promise<number> =>
  Number(
    /stun_requests_total\{transport="udp",result="success"\} (\d+)/.exec(await t.registry.metrics())?.[1] ??
      0,
  );

describe("the stun npm client against our STUN service (UDP)", () => {
  let t: TestServer;
  let url = "";
  beforeAll(async () => {
    t = await startTestServer();
    url = `stun://127.0.0.1:${t.addresses.udp.PP?.port ?? 0}`;
  });
  afterAll(() => t.close());

  it("decodes our XOR-MAPPED-ADDRESS as its own socket's address and port", async () => {
    const socket = await boundSocket();
    const port = socket.address().port;
    const before = await successes(t);
    const res = await within(stun.request(url, { socket, ...RETRIES }), 10_000, "binding response");
    assert.equal(res.type, stun.constants.STUN_BINDING_RESPONSE);
    assert.deepEqual(res.getXorAddress(), { address: "127.0.0.1", port, family: "IPv4" });
    // Our answers carry FINGERPRINT; its CRC-32 verifies with the client's code too.
    assert.notEqual(res.getFingerprint(), undefined);
    assert.equal(stun.validateFingerprint(res), true);
    assert.ok((await successes(t)) > before, "the server counted the request");
  });

  it("answers many clients at once, each with its own mapped port", async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => boundSocket()));
    const replies = await within(
      Promise.all(sockets.map((socket) => stun.request(url, { socket, ...RETRIES }))),
      20_000,
      "20 binding responses",
    );
    assert.deepEqual(
      replies.map((r) => r.getXorAddress()?.port),
      sockets.map((s) => s.address().port),
    );
  });

  it("answers a request that carries SOFTWARE and FINGERPRINT", async () => {
    const socket = await boundSocket();
    const message = stun.createMessage(stun.constants.STUN_BINDING_REQUEST);
    message.addSoftware("stun-npm-interop");
    message.addFingerprint();
    const res = await within(stun.request(url, { socket, message, ...RETRIES }), 10_000, "binding response");
    assert.deepEqual(res.transactionId, message.transactionId);
    assert.deepEqual(res.getXorAddress(), {
      address: "127.0.0.1",
      port: socket.address().port,
      family: "IPv4",
    });
  });
});
