export * from "./settings.js";
export * from "./rest.js";
