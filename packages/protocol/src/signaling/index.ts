export * from "./common.js";
export * from "./error-codes.js";
export * from "./signal-data.js";
export * from "./client-messages.js";
export * from "./server-messages.js";
export * from "./features.js";
