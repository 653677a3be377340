// Runs in a Chromium page: a minimal client of the Switchboard signaling protocol that joins a room and, when
// told to call a peer, negotiates a WebRTC data channel with offers signed by ECDSA P-256 (WebCrypto), the
// answerer verifying the signature before applying the offer.
window.sb = (() => {
  const b64 = (buf) =>
    btoa(String.fromCharCode(...new Uint8Array(buf)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const unb64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  // What the signature covers (the protocol's SdpSignature): kind, signer and receiver session ids, nonce, SDP.
  const signed = (kind, from, to, nonce, sdp) =>
    new TextEncoder().encode(`switchboard-sdp-v1\n${kind}\n${from}\n${to}\n${nonce}\n${sdp.length}\n${sdp}`);
  const state = {
    ws: null,
    self: "",
    pc: null,
    channel: null,
    log: [],
    got: [],
    verified: false,
    keys: null,
    candidates: [],
  };
  let seq = 0;
  const send = (msg) => state.ws.send(JSON.stringify({ v: 1, id: `b${++seq}`, ...msg }));
  const waitFor = (pred, ms = 15000) =>
    new Promise((resolve, reject) => {
      const t0 = Date.now();
      const tick = () => {
        const hit = state.log.find(pred);
        if (hit) return resolve(hit);
        if (Date.now() - t0 > ms) return reject(new Error("timeout " + pred));
        setTimeout(tick, 20);
      };
      tick();
    });
  let roomId = "";
  function makePc(peer) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    // Only loopback candidates leave the page: the test must not use any other interface.
    pc.onicecandidate = (e) => {
      if (e.candidate) state.candidates.push(e.candidate.candidate);
      if (e.candidate && !/ 127\.0\.0\.1 /.test(e.candidate.candidate)) return;
      send({
        type: "signal",
        roomId,
        to: peer,
        data: { kind: "candidate", candidate: e.candidate ? e.candidate.toJSON() : null },
      });
    };
    state.pc = pc;
    return pc;
  }
  async function onSignal(msg) {
    const d = msg.data;
    if (d.kind === "offer") {
      const key = await crypto.subtle.importKey(
        "spki",
        unb64(d.signature.publicKey),
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["verify"],
      );
      state.verified = await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        key,
        unb64(d.signature.signature),
        signed("offer", msg.from, state.self, d.signature.nonce, d.sdp),
      );
      if (!state.verified) return;
      const pc = makePc(msg.from);
      pc.ondatachannel = (e) => {
        state.channel = e.channel;
        e.channel.onmessage = (m) => {
          state.got.push(m.data);
          e.channel.send("pong:" + m.data);
        };
      };
      await pc.setRemoteDescription({ type: "offer", sdp: d.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      send({ type: "signal", roomId, to: msg.from, data: { kind: "answer", sdp: answer.sdp } });
    } else if (d.kind === "answer") {
      await state.pc.setRemoteDescription({ type: "answer", sdp: d.sdp });
    } else if (d.kind === "candidate" && d.candidate) {
      await state.pc.addIceCandidate(d.candidate);
    }
  }
  return {
    async join(url, room, name) {
      roomId = room;
      state.ws = new WebSocket(url);
      state.ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        state.log.push(msg);
        if (msg.type === "signal")
          onSignal(msg).catch((err) => state.log.push({ type: "client-error", message: String(err) }));
      };
      await new Promise((r) => (state.ws.onopen = r));
      send({ type: "hello" });
      state.self = (await waitFor((m) => m.type === "welcome")).sessionId;
      send({ type: "join", roomId, name });
      const joined = await waitFor((m) => m.type === "joined");
      return { self: state.self, peers: joined.peers.map((p) => p.peerId) };
    },
    async call(peer) {
      state.keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
        "sign",
        "verify",
      ]);
      const pc = makePc(peer);
      const channel = pc.createDataChannel("chat");
      state.channel = channel;
      channel.onmessage = (m) => state.got.push(m.data);
      const opened = new Promise((resolve, reject) => {
        channel.onopen = resolve;
        setTimeout(
          () => reject(new Error("data channel did not open; candidates: " + state.candidates.join(" | "))),
          20000,
        );
      });
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const nonce = b64(crypto.getRandomValues(new Uint8Array(16)));
      const sig = await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        state.keys.privateKey,
        signed("offer", state.self, peer, nonce, offer.sdp),
      );
      const spki = await crypto.subtle.exportKey("spki", state.keys.publicKey);
      send({
        type: "signal",
        roomId,
        to: peer,
        data: {
          kind: "offer",
          sdp: offer.sdp,
          signature: { alg: "ES256", publicKey: b64(spki), signature: b64(sig), nonce },
        },
      });
      await opened;
      channel.send("ping");
      await waitFor(() => state.got.includes("pong:ping"));
      return { got: state.got, pair: state.pc.connectionState };
    },
    facts() {
      return {
        verified: state.verified,
        got: state.got,
        errors: state.log.filter((m) => m.type === "error" || m.type === "client-error"),
      };
    },
  };
})();
