import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { KeyPins } from "./key-pins.js";
import { SessionSigner, joinOfferRecipient } from "./sdp-signer.js";
import { generateKeyPair, sign, signaturePayload, verify } from "./signing.js";

const fields = { kind: "offer" as const, sdp: "v=0\r\ns=-\r\n", from: "alice", to: "bob" };

describe("SDP signatures (ES256, WebCrypto)", () => {
  it("covers kind, both session ids, nonce and SDP", () => {
    const text = new TextDecoder().decode(signaturePayload({ ...fields, nonce: "n1" }));
    assert.equal(text, "switchboard-sdp-v1\noffer\nalice\nbob\nn1\n10\nv=0\r\ns=-\r\n");
  });

  it("verifies its own signature and refuses any changed field", async () => {
    const keys = await generateKeyPair();
    const sig = await sign(keys, fields);
    assert.equal(sig.alg, "ES256");
    assert.ok(sig.nonce.length >= 16);
    assert.equal(await verify(sig, fields), true);
    assert.equal(await verify(sig, { ...fields, sdp: "v=0\r\ns=x\r\n" }), false);
    assert.equal(await verify(sig, { ...fields, to: "mallory" }), false, "replayed into another session");
    assert.equal(await verify(sig, { ...fields, kind: "answer" }), false);
    assert.equal(await verify({ ...sig, nonce: "another-nonce-000" }, fields), false);
    assert.equal(await verify({ ...sig, publicKey: "not-a-key" }, fields), false);
    const other = await generateKeyPair();
    assert.equal(await verify({ ...sig, publicKey: other.publicKeySpki }, fields), false);
  });

  it("pins the first key per peer and refuses replayed nonces", () => {
    const pins = new KeyPins();
    assert.equal(pins.check("p", "k1", "n1"), "ok");
    assert.equal(pins.check("p", "k1", "n1"), "replayed");
    assert.equal(pins.check("p", "k2", "n2"), "key_changed");
    pins.rename("p", "p2");
    assert.equal(pins.check("p2", "k2", "n3"), "key_changed");
  });

  it("SessionSigner: a changed key is signature_invalid", async () => {
    const a1 = await SessionSigner.create(() => "alice");
    const a2 = await SessionSigner.create(() => "alice");
    const b = await SessionSigner.create(() => "bob");
    await b.verify("alice", "offer", "sdp", await a1.sign("offer", "sdp", "bob"));
    await assert.rejects(b.verify("alice", "offer", "sdp", await a2.sign("offer", "sdp", "bob")), {
      code: "signature_invalid",
    });
    await assert.rejects(b.verify("alice", "offer", "sdp", undefined), { code: "signature_invalid" });
  });

  it("SessionSigner: a join-carried offer verifies only as one, for its room, once", async () => {
    const a = await SessionSigner.create(() => "alice");
    const b = await SessionSigner.create(() => "bob");
    const c = await SessionSigner.create(() => "carol");
    const sig = await a.sign("offer", "sdp", joinOfferRecipient("room-1"));
    // not as a plain signal, not for another room, not as an answer
    await assert.rejects(b.verify("alice", "offer", "sdp", sig), { code: "signature_invalid" });
    await assert.rejects(b.verify("alice", "offer", "sdp", sig, "room-2"), { code: "signature_invalid" });
    await assert.rejects(b.verify("alice", "answer", "sdp", sig, "room-1"), { code: "signature_invalid" });
    await assert.rejects(b.verify("alice", "offer", "sdp2", sig, "room-1"), { code: "signature_invalid" });
    // right after alice's peer.joined in room-1: accepted, and a second use of it is a replay
    await b.verify("alice", "offer", "sdp", sig, "room-1");
    await assert.rejects(b.verify("alice", "offer", "sdp", sig, "room-1"), { code: "signature_invalid" });
    // a signature for one peer is still accepted with the join allowance (the newcomer's ordinary offers)
    await c.verify("alice", "offer", "sdp", await a.sign("offer", "sdp", "carol"), "room-1");
  });
});
