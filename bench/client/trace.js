// Injected into the benchmark's pages when CLIENT_BENCH_TRACE=1: timestamps (ms since the epoch, sub-ms) of the
// WebRTC and WebSocket steps of a connection, so a run shows where the milliseconds go. Read with
// `window.__trace.splice(0)`.
(() => {
  const now = () => performance.timeOrigin + performance.now();
  const trace = (window.__trace = []);
  const mark = (what) => trace.push([now(), what]);
  const P = RTCPeerConnection.prototype;
  for (const name of [
    "createOffer",
    "createAnswer",
    "setLocalDescription",
    "setRemoteDescription",
    "addIceCandidate",
    "getStats",
  ]) {
    const orig = P[name];
    P[name] = function (...args) {
      const kind = args[0] && args[0].type ? ` ${args[0].type}` : "";
      mark(`${name}${kind} >`);
      const r = orig.apply(this, args);
      if (r && typeof r.then === "function")
        r.then(
          () => mark(`${name}${kind} <`),
          () => mark(`${name}${kind} !`),
        );
      return r;
    };
  }
  // a data channel's first send and first message (raw, before any library's handling)
  const dcSend = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    if (!this.__sent) mark(`dc send ${this.label}`);
    this.__sent = true;
    return dcSend.call(this, data);
  };
  const firstMessage = (dc) =>
    dc.addEventListener("message", () => {
      if (!dc.__got) mark(`dc message ${dc.label}`);
      dc.__got = true;
    });
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    mark("new RTCPeerConnection");
    const pc = new Orig(...args);
    pc.addEventListener("icecandidate", (e) =>
      mark(`icecandidate ${e.candidate ? e.candidate.candidate.split(" ").slice(4, 8).join(" ") : "end"}`),
    );
    pc.addEventListener("iceconnectionstatechange", () => mark(`ice ${pc.iceConnectionState}`));
    pc.addEventListener("connectionstatechange", () => mark(`pc ${pc.connectionState}`));
    pc.addEventListener("datachannel", (e) => mark(`datachannel ${e.channel.label}`));
    const cdc = pc.createDataChannel.bind(pc);
    pc.createDataChannel = (label, init) => {
      mark(`createDataChannel ${label} >`);
      const dc = cdc(label, init);
      mark(`createDataChannel ${label} <`);
      dc.addEventListener("open", () => mark(`dc open ${label}`));
      firstMessage(dc);
      return dc;
    };
    pc.addEventListener("datachannel", (e) => {
      e.channel.addEventListener("open", () => mark(`dc open ${e.channel.label} (remote)`));
      firstMessage(e.channel);
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Orig.prototype;
  const WS = window.WebSocket;
  const send = WS.prototype.send;
  WS.prototype.send = function (data) {
    if (typeof data === "string") {
      const m = /"type":"([^"]+)"/.exec(data);
      const k = /"kind":"([^"]+)"/.exec(data);
      if (m && m[1] !== "ping") mark(`ws > ${m[1]}${k ? ` ${k[1]}` : ""}`);
    }
    return send.call(this, data);
  };
  const add = WS.prototype.addEventListener;
  const onmsg = Object.getOwnPropertyDescriptor(WS.prototype, "onmessage");
  Object.defineProperty(WS.prototype, "onmessage", {
    set(fn) {
      onmsg.set.call(this, (ev) => {
        if (typeof ev.data === "string") {
          const m = /"type":"([^"]+)"/.exec(ev.data);
          const k = /"kind":"([^"]+)"/.exec(ev.data);
          if (m && m[1] !== "pong") mark(`ws < ${m[1]}${k ? ` ${k[1]}` : ""}`);
        }
        return fn.call(this, ev);
      });
    },
    get() {
      return onmsg.get.call(this);
    },
  });
  void add;
})();
