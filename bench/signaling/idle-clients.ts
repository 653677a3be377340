// Child process: opens N idle WebSocket sessions (hello, then join rooms of `roomSize`), reports over IPC,
// holds them until told to exit. Usage: idle-clients.ts <switchboard|peerjs> <url> <count> <offset> <roomSize>
import { WebSocket } from "ws";

const [kind = "switchboard", url = "", countArg = "0", offsetArg = "0", roomSizeArg = "10"] =
  process.argv.slice(2);
const count = Number(countArg);
const offset = Number(offsetArg);
const roomSize = Number(roomSizeArg);
const sockets: WebSocket[] = [];

function openOne(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const n = offset + i;
    const target = kind === "peerjs" ? `${url}/peerjs?key=peerjs&id=idle${n}&token=t${n}` : url;
    const ws = new WebSocket(target, { perMessageDeflate: false });
    sockets.push(ws);
    const timer = setTimeout(() => reject(new Error(`connection ${n} timed out`)), 60_000);
    ws.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on("message", (data: Buffer) => {
      const text = data.toString();
      if (kind === "peerjs") {
        if (text.includes('"OPEN"')) {
          clearTimeout(timer);
          resolve();
        }
        return;
      }
      if (text.includes('"welcome"'))
        ws.send(`{"v":1,"type":"join","roomId":"idle-room-${Math.floor(n / roomSize)}"}`);
      else if (text.includes('"joined"')) {
        clearTimeout(timer);
        resolve();
      } else if (text.includes('"error"')) reject(new Error(text));
    });
    if (kind !== "peerjs") ws.on("open", () => ws.send('{"v":1,"type":"hello"}'));
  });
}

async function main(): Promise<void> {
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, k) => openOne(i + k)));
  }
  process.send?.({ ready: sockets.length });
  process.on("message", () => {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  });
}

main().catch((err: unknown) => {
  process.send?.({ error: String(err) });
  process.exit(1);
});
