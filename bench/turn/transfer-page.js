// Loaded into each Chromium page by webrtc-transfer.ts: one relay-only peer connection and a bulk data channel.
// Chromium's send queue closes the channel past ~16 MB: 64 KiB messages, at most 4 MiB queued.
window.transferBench = (() => {
  const CHUNK = 64 * 1024;
  const HIGH = 4 * 1024 * 1024;
  let pc;
  let dc;
  let gathered;
  let received = 0;
  let expected = Infinity;
  let firstAt = 0;
  let lastAt = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));

  const localDescription = async () => {
    await gathered;
    return pc.localDescription.toJSON();
  };

  return {
    setup(config, expectBytes) {
      expected = expectBytes;
      pc = new RTCPeerConnection(config);
      gathered = new Promise((resolve) => {
        pc.onicegatheringstatechange = () => {
          if (pc.iceGatheringState === "complete") resolve();
        };
      });
      pc.ondatachannel = (e) => {
        e.channel.binaryType = "arraybuffer";
        e.channel.onmessage = (m) => {
          const now = performance.now();
          if (received === 0) firstAt = now;
          received += m.data.byteLength;
          lastAt = now;
          if (received >= expected) finish();
        };
      };
    },
    async offer() {
      dc = pc.createDataChannel("bulk", { ordered: true });
      await pc.setLocalDescription(await pc.createOffer());
      return localDescription();
    },
    async answer(offer) {
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      return localDescription();
    },
    async connect(answer) {
      await pc.setRemoteDescription(answer);
      if (dc.readyState !== "open") await new Promise((r) => (dc.onopen = r));
    },
    async send(total) {
      const chunk = new Uint8Array(CHUNK);
      dc.bufferedAmountLowThreshold = HIGH / 2;
      let sent = 0;
      while (sent < total) {
        if (dc.bufferedAmount > HIGH) {
          await new Promise((r) => (dc.onbufferedamountlow = r));
          continue;
        }
        const n = Math.min(CHUNK, total - sent);
        dc.send(n === CHUNK ? chunk : chunk.subarray(0, n));
        sent += n;
      }
    },
    async received() {
      await done;
      return { bytes: received, ms: lastAt - firstAt };
    },
    async selectedPair() {
      const stats = await pc.getStats();
      let pair;
      stats.forEach((s) => {
        if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
      });
      if (!pair) return undefined;
      const local = stats.get(pair.localCandidateId);
      const remote = stats.get(pair.remoteCandidateId);
      return { local: local?.candidateType, remote: remote?.candidateType };
    },
    close() {
      pc.close();
    },
  };
})();
