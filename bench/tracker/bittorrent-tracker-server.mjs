// Starts webtorrent/bittorrent-tracker (from bench/.peers) on one port for HTTP and UDP: node ... PORT
// server.js alone: the package index also loads the WebRTC client, whose native module needs install scripts.
const { default: Server } = await import(
  new URL("../.peers/node_modules/bittorrent-tracker/server.js", import.meta.url).href
);
const port = Number(process.argv[2]);
const server = new Server({ http: true, udp: true, ws: false, stats: false, trustProxy: false });
server.on("error", (err) => console.error("bittorrent-tracker error:", err.message));
server.on("warning", () => {});
server.listen(port, "127.0.0.1", () => console.log(`listening ${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
