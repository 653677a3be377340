/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): a list of 16-bit attribute types (padded like any value). */
import { AttributeType } from "../constants.js";
import { badAttribute, encodeRange } from "../errors.js";
import type { StunAttribute } from "../message.js";

export function decodeUnknownAttributes(value: Uint8Array): number[] {
  if ((value.length & 1) !== 0)
    throw badAttribute(AttributeType.UnknownAttributes, "UNKNOWN-ATTRIBUTES length must be even");
  const out: number[] = [];
  for (let i = 0; i < value.length; i += 2) out.push((value[i] << 8) | value[i + 1]);
  return out;
}

export function encodeUnknownAttributes(types: readonly number[]): Uint8Array {
  const out = new Uint8Array(types.length * 2);
  types.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw encodeRange("attribute type must be 0-0xFFFF");
    out[2 * i] = t >> 8;
    out[2 * i + 1] = t & 0xff;
  });
  return out;
}

/** The UNKNOWN-ATTRIBUTES attribute for a 420 response. */
export function unknownAttributesAttribute(types: readonly number[]): StunAttribute {
  return { type: AttributeType.UnknownAttributes, value: encodeUnknownAttributes(types) };
}
