import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { AccessPolicy } from "./access-policy.js";
import { parseHashList, parsePasskeys } from "./hash-list.js";

const a = Buffer.alloc(20, 0xaa);
const b = Buffer.alloc(20, 0xbb);

describe("access policy", () => {
  it("parses hash list files with comments, names and bad lines", () => {
    const parsed = parseHashList(`# list\n${a.toString("hex").toUpperCase()} ubuntu.iso\n\nnot-a-hash\n`);
    assert.deepEqual([...parsed.hashes], [a.toString("hex")]);
    assert.deepEqual(parsed.badLines, [4]);
  });

  it("allow list serves only listed torrents, deny list all but them", () => {
    const hashes = new Set([a.toString("hex")]);
    const allow = new AccessPolicy({ mode: "allow", hashes, passkeys: new Set() });
    assert.equal(allow.check(a, undefined), undefined);
    assert.equal(allow.check(b, undefined), "TORRENT_NOT_ALLOWED");
    const deny = new AccessPolicy({ mode: "deny", hashes, passkeys: new Set() });
    assert.equal(deny.check(a, undefined), "TORRENT_NOT_ALLOWED");
    assert.equal(deny.check(b, undefined), undefined);
    deny.replace({ mode: "open", hashes: new Set(), passkeys: new Set() });
    assert.equal(deny.check(a, undefined), undefined);
  });

  it("passkeys", () => {
    const { hashes: passkeys, badLines } = parsePasskeys("secretkey1, secretkey2\nshort\n");
    assert.deepEqual(badLines, [2]);
    const policy = new AccessPolicy({ mode: "open", hashes: new Set(), passkeys });
    assert.equal(policy.check(a, undefined), "PASSKEY_REQUIRED");
    assert.equal(policy.check(a, "wrongwrong"), "PASSKEY_INVALID");
    assert.equal(policy.check(a, "secretkey2"), undefined);
  });
});
