// Compares two V8 heap snapshots (.heapsnapshot): objects and self bytes by type and constructor name, the
// largest changes first. A leak shows as a count that grows with the run; JIT code and strings move both ways.
//   node bench/soak/heap-diff.mjs before.heapsnapshot after.heapsnapshot [rows]
import { readFileSync } from "node:fs";

function summary(path) {
  const snap = JSON.parse(readFileSync(path, "utf8"));
  const meta = snap.snapshot.meta;
  const width = meta.node_fields.length;
  const typeAt = meta.node_fields.indexOf("type");
  const nameAt = meta.node_fields.indexOf("name");
  const sizeAt = meta.node_fields.indexOf("self_size");
  const types = meta.node_types[0];
  const byKey = new Map();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]];
    const named = type === "object" || type === "closure" || type === "hidden" || type === "object shape";
    const key = named ? `${type}:${String(snap.strings[snap.nodes[i + nameAt]]).slice(0, 60)}` : type;
    const cur = byKey.get(key) ?? { count: 0, bytes: 0 };
    cur.count++;
    cur.bytes += snap.nodes[i + sizeAt];
    byKey.set(key, cur);
  }
  return byKey;
}

const [a, b, rows = "25"] = process.argv.slice(2);
if (!a || !b) {
  console.error("usage: node bench/soak/heap-diff.mjs before.heapsnapshot after.heapsnapshot [rows]");
  process.exit(2);
}
const before = summary(a);
const after = summary(b);
const zero = { count: 0, bytes: 0 };
const diff = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
  const x = before.get(key) ?? zero;
  const y = after.get(key) ?? zero;
  return { key, count: y.count - x.count, bytes: y.bytes - x.bytes, now: y.count };
});
const total = (m) => [...m.values()].reduce((s, v) => s + v.bytes, 0);
console.log(`self bytes: ${total(before)} → ${total(after)} (${total(after) - total(before)})`);
console.log("bytes Δ | objects Δ | objects now | type:name");
for (const d of diff.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes)).slice(0, Number(rows)))
  console.log(`${d.bytes} | ${d.count} | ${d.now} | ${d.key}`);
