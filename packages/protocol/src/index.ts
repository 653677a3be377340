export * from "./signaling/index.js";
export * from "./tracker/index.js";
export * from "./meetings/index.js";
