"""Reads a node-stalls.sh capture (NODE_STALL_PCAP) and prints each trial's peer datagrams: STUN checks (with
USE-CANDIDATE) and responses, DTLS records (handshake type), ms from the trial's start. Traffic to and from the
STUN server is left out.

    python3 bench/client/node-stalls-pcap.py CAPTURE STDERR_OF_THE_RUN [TRIAL ...]
"""
import struct, sys, re
pcap, marks = sys.argv[1], sys.argv[2]
trials = []
for line in open(marks):
    m = re.match(r"# trial (\d+)( \(before\))? began ([\d.]+): ([\d.]+) ms", line)
    if m: trials.append((int(m[1]), bool(m[2]), float(m[3]), float(m[4])))
data = open(pcap, 'rb').read()
magic, = struct.unpack('<I', data[:4]); linktype = struct.unpack('<I', data[20:24])[0]
off = 24; pkts = []
while off + 16 <= len(data):
    ts, us, incl, orig = struct.unpack('<IIII', data[off:off+16]); off += 16
    p = data[off:off+incl]; off += incl
    l2 = 14 if linktype == 1 else 16 if linktype == 113 else 4
    ip = p[l2:]; ihl = (ip[0] & 15) * 4
    sport, dport = struct.unpack('>HH', ip[ihl:ihl+4]); u = ip[ihl+8:]
    pkts.append((ts + us / 1e6, sport, dport, u))
def kind(u):
    if len(u) >= 20 and u[4:8] == b'\x21\x12\xa4\x42':
        t, = struct.unpack('>H', u[:2]); attrs = set(); i = 20
        while i + 4 <= len(u):
            a, l = struct.unpack('>HH', u[i:i+4]); attrs.add(a); i += 4 + ((l + 3) & ~3)
        cls = {0x0001: 'req', 0x0101: 'resp', 0x0111: 'err', 0x0003: 'alloc', 0x0103: 'alloc-ok', 0x0113: 'alloc-err'}.get(t, hex(t))
        return 'STUN ' + cls + (' peer' if 6 in attrs else ' server') + (' USE-CAND' if 0x25 in attrs else '')
    if u and 20 <= u[0] <= 63:
        ct = u[0]
        if ct == 22 and len(u) > 13: return 'DTLS hs ' + {1: 'ClientHello', 2: 'ServerHello', 11: 'Cert'}.get(u[13], str(u[13]))
        return 'DTLS ' + {20: 'ccs', 21: 'alert', 23: 'appdata'}.get(ct, str(ct))
    return 'other %d' % len(u)
servers = set(d for t, s_, d, u in pkts if kind(u).endswith('req server'))
want = set(int(x) for x in sys.argv[3:]) if len(sys.argv) > 3 else None
for i, (n, before, start, ms) in enumerate(trials):
    if want and n not in want: continue
    end = trials[i+1][2] if i + 1 < len(trials) else 1e18
    print(f"== trial {n}{' before' if before else ''}: {ms} ms")
    for t, s, d, u in pkts:
        if start - 0.002 <= t < min(end, start + 1.2):
            if s in servers or d in servers: continue
            k = kind(u).replace(' server', '')
            print(f"  {1000*(t-start):9.3f}  {s:5d} -> {d:5d}  {k}")
