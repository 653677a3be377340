export { freePort, freeUdpPort, freeUdpRange, BELOW_EPHEMERAL, type FreePortOptions } from "./free-port.js";
export { RedisProcess, sharedRedis, type SharedRedis } from "./redis.js";
export {
  chromiumLaunchOptions,
  CHROMIUM_EXECUTABLE,
  CHROMIUM_WEBRTC_ARGS,
  type ChromiumOptions,
} from "./chromium.js";
export {
  runInLoopbackNamespace,
  tsxCommand,
  resultLine,
  type NamespaceRunOptions,
  type NamespaceRunResult,
} from "./netns.js";
export { hasIpv6Loopback } from "./ipv6-loopback.js";
export {
  TestTurnClient,
  errorCode,
  relayedAddress,
  u32,
  type ClientOptions,
  type Received,
} from "./turn-client.js";
export {
  containerEngine,
  redisBacking,
  deployBacking,
  deployChoice,
  chooseDeployBacking,
  IMAGES,
  type BackingKind,
  type ContainerEngine,
  type DeployChoice,
} from "./backing.js";
