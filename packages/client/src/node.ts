// @switchboard/client/node: what only Node has (its WebRTC stack, NAT discovery over UDP).
export { CLIENT_PROTOCOL_VERSION } from "./index.js";
