/** Transaction ids (RFC 8489 §5: 96 bits, uniformly and randomly chosen). */
import { randomBytes } from "node:crypto";
import { TRANSACTION_ID_LENGTH } from "./constants.js";

/** A fresh random 12-byte transaction id. */
export function newTransactionId(): Uint8Array {
  return randomBytes(TRANSACTION_ID_LENGTH);
}

/** The transaction id as 24 lowercase hex digits (for map keys and logs). */
export function transactionIdToHex(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString("hex");
}

/** Constant-size comparison of two transaction ids. */
export function transactionIdEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
