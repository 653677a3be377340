export * from "./requests.js";
export * from "./failures.js";
export * from "./websocket-messages.js";
