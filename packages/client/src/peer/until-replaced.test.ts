import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { Lifetime, untilEnded } from "./until-replaced.js";

describe("operations on a connection that may be replaced", () => {
  it("give the operation's value while the connection lives", async () => {
    assert.equal(await untilEnded(Promise.resolve(7), new Lifetime()), 7);
  });

  it("pass a rejection through", async () => {
    await assert.rejects(untilEnded(Promise.reject(new Error("bad sdp")), new Lifetime()), /bad sdp/);
  });

  it("stop waiting for an operation that never settles once the connection ends", async () => {
    const life = new Lifetime();
    const never = new Promise<number>(() => undefined);
    const waiting = untilEnded(never, life);
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(done, false, "still waiting while the connection lives");
    life.end();
    assert.equal(await waiting, undefined);
  });
});
