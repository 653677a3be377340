// The Files view's model between two (and three) clients joined by in-memory channel pairs (the wire code of
// @switchboard/files, no browser): a picked File is hashed and shared, a share link's root downloads it, the
// finished Blob is byte-equal; a peer connected before the model existed still gets its files channel.
import { describe, it } from "@jest/globals";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createChannelPair, parseShareLink, toHex, type PeerChannel } from "@switchboard/files";
import { FileSharing, type FilesClient } from "../../src/lib/files/file-sharing";
import type { TransferView } from "../../src/lib/files/transfer-view";

/** A stand-in for the SDK client: channels to other fake clients, `connectionEstablished`, the two stores. */
class FakeClient implements FilesClient {
  readonly peerId: string;
  readonly #onChannel = new Map<string, (ch: PeerChannel) => void>();
  readonly #onConnected = new Set<(c: { peerId: string }) => void>();
  readonly #links = new Map<string, FakeClient>();
  readonly #peerSubs = new Set<(p: readonly { peerId: string; name?: string }[]) => void>();
  readonly #names = new Map<string, string>();
  readonly stores;

  constructor(peerId: string) {
    this.peerId = peerId;
    this.stores = {
      peers: {
        subscribe: (fn: (p: readonly { peerId: string; name?: string }[]) => void) => {
          this.#peerSubs.add(fn);
          fn(this.#peers());
          return () => void this.#peerSubs.delete(fn);
        },
      },
      connections: {
        subscribe: (fn: (c: readonly { peerId: string }[]) => void) => {
          fn([...this.#links.keys()].map((peerId) => ({ peerId })));
          return () => undefined;
        },
      },
    };
  }

  #peers(): { peerId: string; name: string }[] {
    return [...this.#names].map(([peerId, name]) => ({ peerId, name }));
  }

  /** Both ends learn of the connection (names first, as the roster does), then `connectionEstablished`. */
  static connect(a: FakeClient, b: FakeClient, names: { a: string; b: string }): void {
    a.#links.set(b.peerId, b);
    b.#links.set(a.peerId, a);
    a.#names.set(b.peerId, names.b);
    b.#names.set(a.peerId, names.a);
    for (const c of [a, b]) for (const fn of c.#peerSubs) fn(c.#peers());
    for (const fn of a.#onConnected) fn({ peerId: b.peerId });
    for (const fn of b.#onConnected) fn({ peerId: a.peerId });
  }

  on(_event: "connectionEstablished", fn: (c: { readonly peerId: string }) => void): () => void {
    this.#onConnected.add(fn);
    return () => void this.#onConnected.delete(fn);
  }

  openChannel(peerId: string, label: string): Promise<PeerChannel> {
    const other = this.#links.get(peerId);
    const accept = other ? other.#onChannel.get(label) : undefined;
    if (!other || !accept) return Promise.reject(new Error(`no ${label} handler at ${peerId}`));
    const [mine, theirs] = createChannelPair(this.peerId, peerId);
    accept(theirs);
    return Promise.resolve(mine);
  }

  onChannel(label: string, fn: (ch: PeerChannel) => void): () => void {
    this.#onChannel.set(label, fn);
    return () => void this.#onChannel.delete(label);
  }
}

async function until<T>(read: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const views = (s: FileSharing): readonly TransferView[] => s.transfers.get();
const ORIGIN = "https://sb.example";

describe("FileSharing (the Files view's model)", () => {
  it("shares a picked File; a download from its link completes and saves byte-equal, sources named", async () => {
    const data = new Uint8Array(randomBytes(3 * 2 ** 20 + 123));
    const a = new FakeClient("a-peer");
    const b = new FakeClient("b-peer");
    const sa = new FileSharing(a, { meeting: "room-1", origin: ORIGIN });
    const sb = new FileSharing(b, { meeting: "room-1", origin: ORIGIN });
    try {
      FakeClient.connect(a, b, { a: "Ada", b: "Bo" });
      const root = await sa.add(new File([data], "notes.bin", { type: "application/x-test" }));
      const link = sa.shareLink(root);
      assert.equal(link, `${ORIGIN}/#/files/${root}?meeting=room-1`);
      const shared = await until(() => views(sa).find((v) => v.root === root), "A's card");
      assert.equal(shared.role, "sharing");
      assert.equal(shared.percent, 100);
      // B sees the file on offer in the meeting before downloading it.
      const offer = await until(() => sb.offered.get().find((f) => f.root === root), "B's catalogue");
      assert.deepEqual(offer.peers, ["a-peer"]);

      sb.download(toHex(parseShareLink(link).root));
      const done = await until(
        () => views(sb).find((v) => v.root === root && v.complete),
        "B's download complete",
      );
      assert.equal(done.name, "notes.bin");
      assert.match(done.verification.text, /^verified: all \d+ pieces match their SHA-256$/);
      assert.deepEqual(
        done.sources.map((s) => [s.name, s.holdsAll]),
        [["Ada", true]],
      );
      assert.ok(done.sources[0].piecesGiven > 0);
      assert.equal(sb.offered.get().length, 0, "a file being downloaded is no longer listed as offered");
      const saved = await sb.blob(root);
      assert.ok(saved);
      assert.equal(saved.name, "notes.bin");
      assert.equal(saved.blob.type, "application/x-test");
      assert.deepEqual(new Uint8Array(await saved.blob.arrayBuffer()), data);
      assert.equal(await sb.blob("00".repeat(32)), null, "no blob for a file we do not hold");
    } finally {
      await sa.close();
      await sb.close();
    }
  });

  it("a peer connected before the model existed gets a files channel too", async () => {
    const data = new Uint8Array(randomBytes(200_000));
    const a = new FakeClient("a-peer");
    const b = new FakeClient("b-peer");
    // B's model exists (it accepts channels); A connects first and builds its model afterwards.
    const sb = new FileSharing(b, { meeting: "room-2", origin: ORIGIN });
    FakeClient.connect(a, b, { a: "Ada", b: "Bo" });
    const sa = new FileSharing(a, { meeting: "room-2", origin: ORIGIN });
    try {
      const root = await sb.add(new File([data], "late.bin"));
      sa.download(root);
      const done = await until(() => views(sa).find((v) => v.complete), "A's download");
      assert.equal(done.sources[0]?.name, "Bo");
    } finally {
      await sa.close();
      await sb.close();
    }
  });

  it("refuses a root that is not 64 hex digits, and removing a transfer drops its card", async () => {
    const a = new FakeClient("a-peer");
    const sa = new FileSharing(a, { meeting: "room-3", origin: ORIGIN });
    try {
      assert.throws(() => sa.download("xyz"), /not a file root/);
      const root = await sa.add(new File([new Uint8Array(5000)], "zeros.bin"));
      await until(() => views(sa).find((v) => v.root === root), "card");
      await sa.remove(root);
      await until(() => (views(sa).length === 0 ? true : undefined), "card removed");
    } finally {
      await sa.close();
    }
  });
});
