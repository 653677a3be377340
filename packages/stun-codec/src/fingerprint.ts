/** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the attribute, XOR 0x5354554e. */
import { crc32 } from "node:zlib";
import { AttributeType, HEADER_LENGTH } from "./constants.js";
import { getAttribute, type StunMessage } from "./message.js";

/** RFC 8489 §14.7: the CRC-32 is XOR'ed with this ("STUN"). */
export const FINGERPRINT_XOR = 0x5354554e;

/**
 * Verifies FINGERPRINT on the received bytes: CRC-32 over everything before the attribute, with the header length
 * field as if FINGERPRINT were the last attribute. False when absent or wrong.
 */
export function verifyFingerprint(msg: StunMessage): boolean {
  const attr = getAttribute(msg, AttributeType.Fingerprint);
  if (attr === undefined) return false;
  const raw = msg.raw;
  const offset = attr.offset;
  const length = offset + 8 - HEADER_LENGTH;
  let crc: number;
  if (((raw[2] << 8) | raw[3]) === length) {
    crc = crc32(raw.subarray(0, offset));
  } else {
    const head = Uint8Array.of(raw[0], raw[1], length >> 8, length & 0xff);
    crc = crc32(raw.subarray(4, offset), crc32(head));
  }
  const v = attr.value;
  const got = ((v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3]) >>> 0;
  return (crc ^ FINGERPRINT_XOR) >>> 0 === got;
}
