// @switchboard/client/discovery: the parts of discovery without signaling (tracker and DHT) for direct use. The
// client loads them by itself when `discovery` is "tracker" or "dht"; this entry is for code that wires a
// `DiscoverySession` or a `TrackerWire` on its own.
export { DiscoverySession, type DiscoverySessionOptions } from "./discovery-session.js";
export { TrackerWire, checkTrackerUrls, type TrackerWireOptions } from "./tracker-wire.js";
export { DISCOVERY_NAMESPACE, meetingInfoHash } from "./meeting-keys.js";
export type { PeerWire, WireHandlers, DhtWireFactory } from "./transport.js";
