// Loaded into the benchmark's Chromium pages (after the SDK's browser build as `window.sb` and PeerJS's browser build
// as `window.peerjs`): one side of each trial. Times are taken on side B only, with performance.now().
const mark = (what) => window.__trace?.push([performance.timeOrigin + performance.now(), what]);

window.bench = {
  current: null,

  /** Ours, side A: join and send "ping" to the first peer connected. */
  async oursA(opts) {
    const client = new window.sb.SwitchboardClient({ ...opts, rtc: globalThis });
    client.on("connectionEstablished", (c) => {
      mark("A connectionEstablished");
      void client.send(c.peerId, "ping");
    });
    this.current = { close: () => client.disconnect() };
    await client.initializeNode();
    await client.discoverPeers();
  },

  /** Ours, side B: connected to signaling first; then the time from discoverPeers() to the first message. */
  async oursB(opts) {
    const client = new window.sb.SwitchboardClient({ ...opts, rtc: globalThis });
    this.current = { close: () => client.disconnect() };
    await client.initializeNode();
    const first = new Promise((resolve) =>
      client.on("message", () => {
        mark("B message");
        resolve(performance.now());
      }),
    );
    mark("B discoverPeers");
    const t0 = performance.now();
    await client.discoverPeers();
    mark("B discoverPeers resolved");
    return (await first) - t0;
  },

  /** PeerJS, side A: registered with the PeerJS server; answers a connection with "ping" once it opens. */
  async peerjsA({ id, server, iceServers }) {
    const peer = new window.peerjs.Peer(id, { ...server, config: { iceServers } });
    this.current = { close: () => peer.destroy() };
    peer.on("connection", (conn) =>
      conn.on("open", () => {
        mark("A open");
        conn.send("ping");
      }),
    );
    await new Promise((resolve, reject) => {
      peer.on("open", resolve);
      peer.on("error", reject);
    });
  },

  /** PeerJS, side B: registered first; then the time from connect() to the first message. */
  async peerjsB({ id, target, server, iceServers }) {
    const peer = new window.peerjs.Peer(id, { ...server, config: { iceServers } });
    this.current = { close: () => peer.destroy() };
    await new Promise((resolve, reject) => {
      peer.on("open", resolve);
      peer.on("error", reject);
    });
    mark("B connect");
    const t0 = performance.now();
    const conn = peer.connect(target, { reliable: true });
    const t1 = await new Promise((resolve) =>
      conn.on("data", () => {
        mark("B data");
        resolve(performance.now());
      }),
    );
    return t1 - t0;
  },

  async close() {
    await this.current?.close();
    this.current = null;
  },
};
