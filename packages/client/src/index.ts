// @switchboard/client: the SDK facade (browsers and Node). Filled in by the client SDK work (issue 12).
export const CLIENT_PROTOCOL_VERSION = 1;
