// NAT behaviour discovery (RFC 5780) and connection strategy: Node only (UDP sockets), exported from ./node.
export { getNATInfo, NATDiscoveryError, type NATDiscoveryOptions } from "./discover.js";
export {
  getRecommendedStrategy,
  expectDirect,
  natProfile,
  type Strategy,
  type StrategyAdvice,
} from "./strategy.js";
export { classify, type NatObservations } from "./classify.js";
export {
  formatEndpoint,
  NAT_TYPES,
  type Endpoint,
  type FilteringBehavior,
  type MappingBehavior,
  type NATInfo,
  type NatType,
} from "./nat-info.js";
export {
  parseStunServer,
  parseStunServerList,
  formatStunServer,
  DEFAULT_STUN_PORT,
  StunServerAddressError,
  type StunServerAddress,
} from "./server-address.js";
export { retransmitSchedule, type RetransmitOptions } from "./stun-socket.js";
