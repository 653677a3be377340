// @switchboard/client/node: what only Node has (its WebRTC stack, NAT discovery over UDP).
export { CLIENT_PROTOCOL_VERSION } from "./index.js";
export {
  getNATInfo,
  getRecommendedStrategy,
  expectDirect,
  NATDiscoveryError,
  parseStunServer,
  parseStunServerList,
  formatStunServer,
  formatEndpoint,
  DEFAULT_STUN_PORT,
  type NATDiscoveryOptions,
  type NATInfo,
  type NatType,
  type MappingBehavior,
  type FilteringBehavior,
  type Strategy,
  type StrategyAdvice,
  type Endpoint,
  type StunServerAddress,
  type RetransmitOptions,
} from "./nat/index.js";
