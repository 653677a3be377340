// Loaded into each Chromium page by browser-relay-run.ts: one peer connection restricted to relay candidates.
window.relayTest = (() => {
  let pc;
  let dc;
  let gathered;
  let received = 0;
  let expected = Infinity;
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
          received += m.data.byteLength;
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
    async send(answer, total) {
      await pc.setRemoteDescription(answer);
      if (dc.readyState !== "open") await new Promise((r) => (dc.onopen = r));
      const chunk = new Uint8Array(16 * 1024);
      dc.bufferedAmountLowThreshold = 256 * 1024;
      let sent = 0;
      while (sent < total) {
        if (dc.bufferedAmount > 1024 * 1024) {
          await new Promise((r) => (dc.onbufferedamountlow = r));
          continue;
        }
        const n = Math.min(chunk.length, total - sent);
        dc.send(n === chunk.length ? chunk : chunk.subarray(0, n));
        sent += n;
      }
    },
    async received() {
      await done;
      return received;
    },
    async selectedPair() {
      const stats = await pc.getStats();
      let pair;
      stats.forEach((s) => {
        if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
      });
      const local = pair && stats.get(pair.localCandidateId);
      const remote = pair && stats.get(pair.remoteCandidateId);
      return {
        localType: String(local?.candidateType),
        remoteType: String(remote?.candidateType),
        protocol: String(local?.relayProtocol ?? local?.protocol),
      };
    },
  };
})();
