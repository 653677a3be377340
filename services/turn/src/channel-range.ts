/**
 * The channel numbers this relay accepts: RFC 5766 §11's 0x4000–0x7FFF, not RFC 8656 §12's narrower
 * 0x4000–0x4FFF, because coturn (server and `turnutils_uclient`) still binds numbers up to 0x7FFF. Passed to every
 * codec call that checks, classifies, frames or decodes ChannelData, so the whole service agrees on one range.
 */
import type { ChannelRangeOptions } from "@switchboard/stun-codec";

export const CHANNEL_RANGE: ChannelRangeOptions = Object.freeze({ legacyChannelRange: true });
