import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { newTransactionId, transactionIdEquals, transactionIdToHex } from "./transaction-id.js";

describe("transaction ids", () => {
  it("are 12 random bytes", () => {
    const a = newTransactionId();
    const b = newTransactionId();
    assert.equal(a.length, 12);
    assert.ok(!transactionIdEquals(a, b));
    assert.ok(transactionIdEquals(a, a.slice()));
    assert.ok(!transactionIdEquals(a, a.subarray(1)));
    assert.match(transactionIdToHex(a), /^[0-9a-f]{24}$/);
    assert.equal(transactionIdToHex(new Uint8Array(14).subarray(1, 13)), "0".repeat(24));
  });
});
