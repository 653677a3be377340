/**
 * RFC 5780 NAT behaviour discovery attributes: CHANGE-REQUEST (§7.2: flags "change IP" 0x4 and "change port"
 * 0x2 in a 32-bit value), RESPONSE-PORT (§7.5: port + 2 reserved bytes), PADDING (§7.6: any bytes).
 * RESPONSE-ORIGIN and OTHER-ADDRESS use the address codec (address.ts).
 */
import { AttributeType } from "../constants.js";
import { badAttribute, encodeRange } from "../errors.js";

export interface ChangeRequest {
  readonly changeIp: boolean;
  readonly changePort: boolean;
}

export function decodeChangeRequest(value: Uint8Array): ChangeRequest {
  if (value.length !== 4) throw badAttribute(AttributeType.ChangeRequest, "CHANGE-REQUEST must be 4 bytes");
  const flags = value[3];
  return { changeIp: (flags & 0x04) !== 0, changePort: (flags & 0x02) !== 0 };
}

export function encodeChangeRequest(req: ChangeRequest): Uint8Array {
  return Uint8Array.of(0, 0, 0, (req.changeIp ? 0x04 : 0) | (req.changePort ? 0x02 : 0));
}

export function decodeResponsePort(value: Uint8Array): number {
  if (value.length !== 4) throw badAttribute(AttributeType.ResponsePort, "RESPONSE-PORT must be 4 bytes");
  return (value[0] << 8) | value[1];
}

export function encodeResponsePort(port: number): Uint8Array {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw encodeRange("port must be 0-65535");
  return Uint8Array.of(port >> 8, port & 0xff, 0, 0);
}

/** PADDING of `size` zero bytes (RFC 5780 §7.6: used to test fragmentation; the content is ignored). */
export function encodePadding(size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 0 || size > 0xffff) throw encodeRange("padding size must be 0-65535");
  return new Uint8Array(size);
}
