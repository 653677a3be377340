// Loaded into each Chromium page of the browser interop test (browser-run.ts), after the SDK's browser build as
// `window.sb`. Records the SDK's events, the peer connections made and the offers sent over signaling, and
// gives the runner a few calls: `window.t.join(…)`, `window.t.events`, `window.t.pairs()`.
(() => {
  const pcs = [];
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Orig(...args);
    pcs.push(pc);
    const note = () =>
      window.t.log.push(
        `${Date.now() % 100000} pc${pcs.indexOf(pc)} ${pc.iceConnectionState}/${pc.connectionState}/${pc.signalingState}`,
      );
    pc.addEventListener("iceconnectionstatechange", note);
    pc.addEventListener("connectionstatechange", note);
    pc.addEventListener("signalingstatechange", note);
    return pc;
  };
  window.RTCPeerConnection.prototype = Orig.prototype;
  const sent = { offers: 0, restarts: 0 };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const k = typeof data === "string" ? /"kind":"([a-z-]+)"/.exec(data) : null;
    if (k && k[1] !== "candidate")
      window.t.log.push(
        `${Date.now() % 100000} sent ${k[1]}${data.includes('"iceRestart":true') ? " restart" : ""}`,
      );
    if (typeof data === "string" && data.includes('"kind":"offer"')) {
      sent.offers++;
      if (data.includes('"iceRestart":true')) sent.restarts++;
    }
    return send.call(this, data);
  };
  const t = {
    client: null,
    events: [],
    log: [],
    sent,
    async join(opts) {
      const client = new window.sb.SwitchboardClient({ ...opts, rtc: globalThis });
      for (const name of window.sb.CLIENT_EVENTS)
        client.on(name, (p) => {
          const o = p ?? {};
          t.events.push({
            event: name,
            peerId: o.peerId,
            method: o.method,
            data: typeof o.data === "string" ? o.data : undefined,
            code: o.code,
            kind: o.track ? o.track.kind : undefined,
            state: o.state,
          });
        });
      t.client = client;
      await client.initializeNode();
      await client.discoverPeers();
      return client.peerId;
    },
    /** The live peer connections: state, the selected pair's local candidate (type, port), every relayed port. */
    async pairs() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState === "closed") continue;
        let local;
        const relayPorts = [];
        const stats = await pc.getStats();
        for (const s of stats.values()) {
          if (s.type === "local-candidate" && s.candidateType === "relay") relayPorts.push(s.port);
          if (s.type !== "transport" || !s.selectedCandidatePairId) continue;
          const pair = stats.get(s.selectedCandidatePairId);
          const c = pair && stats.get(pair.localCandidateId);
          if (c) local = { type: c.candidateType, port: c.port };
        }
        out.push({
          ice: pc.iceConnectionState,
          local,
          relayPorts,
          senders: pc.getSenders().map((s) => s.track?.id ?? null),
        });
      }
      return out;
    },
  };
  window.t = t;
})();
