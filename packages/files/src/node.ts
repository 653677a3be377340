// @switchboard/files/node: what only Node has — files on disk, hashing on worker threads.
export * from "./index.js";
export { NodeFileStore, NodeFileSource } from "./storage/node-file-store.js";
export { manifestFromFile } from "./storage/manifest-from-file.js";
export { WorkerHasher } from "./hash-worker.js";
export { nodeSha256 } from "./hash-node.js";
