/**
 * C handlers attached to a native socket (`attachNativeHandler`), against real sockets on loopback with the
 * package's test handler (answers "echo:<x>", consumes "drop", passes the rest): what it answers never reaches
 * JavaScript, what it passes arrives intact and in order, also when both kinds share one receive batch.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { skipTest } from "@switchboard/test-support/jest";
import { nativeBackendStatus, openDatagramSocket, type DatagramSocket } from "../src/index.js";
import { loadNativeBinding, type NativeBinding } from "../src/native-binding.js";

async function waitFor(what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("native datagram handlers", () => {
  let binding: NativeBinding | undefined;
  let server: DatagramSocket | undefined;
  let client: Socket | undefined;
  const toJs: string[] = [];
  const toClient: string[] = [];

  beforeAll(async () => {
    if (!nativeBackendStatus().available) return;
    binding = loadNativeBinding().binding;
    server = await openDatagramSocket({
      family: 4,
      address: "127.0.0.1",
      port: 0,
      backend: "native",
      onMessage: (data, address, port) => {
        toJs.push(`${data.toString("latin1")}@${address}:${port}`);
      },
    });
    client = createSocket("udp4");
    client.on("message", (msg) => toClient.push(msg.toString("latin1")));
    client.bind(0, "127.0.0.1");
    await once(client, "listening");
  });

  afterAll(() => {
    server?.close();
    client?.close();
  });

  const send = (text: string): void => {
    client?.send(Buffer.from(text, "latin1"), server?.port ?? 0, "127.0.0.1");
  };

  it("answers in C what the handler takes and passes the rest to JavaScript", async () => {
    if (server === undefined || binding === undefined || client === undefined)
      return skipTest(nativeBackendStatus().reason ?? "no native backend");
    const me = `@127.0.0.1:${client.address().port}`;
    const [handledBefore] = binding.nativeHandlerCounts();
    assert.equal(server.attachNativeHandler(binding.testEchoHandler()), true);
    send("echo:one");
    send("drop");
    send("js:one");
    await waitFor("the echo and the passed datagram", () => toClient.length >= 1 && toJs.length >= 1);
    assert.deepEqual(toClient.splice(0), ["echoed:one"]);
    assert.deepEqual(toJs.splice(0), [`js:one${me}`]);
    await waitFor("the handler's count", () => binding!.nativeHandlerCounts()[0] >= handledBefore + 2);
    assert.equal(binding.nativeHandlerCounts()[0], handledBefore + 2);

    // Detached: everything reaches JavaScript again.
    assert.equal(server.attachNativeHandler(undefined), true);
    send("echo:two");
    await waitFor("the datagram in JavaScript", () => toJs.length >= 1);
    assert.deepEqual(toJs.splice(0), [`echo:two${me}`]);
    assert.deepEqual(toClient, []);
  });

  it("keeps the passed datagrams of a mixed batch whole and in order", async () => {
    if (server === undefined || binding === undefined || client === undefined)
      return skipTest(nativeBackendStatus().reason ?? "no native backend");
    const me = `@127.0.0.1:${client.address().port}`;
    assert.equal(server.attachNativeHandler(binding.testEchoHandler()), true);
    const passed: string[] = [];
    const echoed: string[] = [];
    for (let i = 0; i < 200; i++) {
      // Lengths vary so a datagram moved down a slot that kept a longer one's bytes would show.
      if (i % 3 === 0) {
        echoed.push(`echoed:${i}`);
        send(`echo:${i}`);
      } else {
        const text = `js:${i}:${"x".repeat(i % 7)}`;
        passed.push(`${text}${me}`);
        send(text);
      }
    }
    await waitFor("every datagram", () => toClient.length >= echoed.length && toJs.length >= passed.length);
    assert.deepEqual(toJs.splice(0), passed);
    assert.deepEqual(toClient.splice(0).sort(), echoed.sort());
    server.attachNativeHandler(undefined);
  });

  it("refuses what is not a handler and a closed socket", async () => {
    if (binding === undefined) return skipTest(nativeBackendStatus().reason ?? "no native backend");
    const other = await openDatagramSocket({
      family: 4,
      address: "127.0.0.1",
      port: 0,
      backend: "native",
      onMessage: () => undefined,
    });
    assert.throws(() => other.attachNativeHandler({}), { name: "TypeError" });
    other.close();
    assert.equal(other.attachNativeHandler(binding.testEchoHandler()), false);
  });
});
