// The Files view's model for one client: a FileShare on the client's peer connections, the files we share or
// download, what happened to each (the transfer log), and the list the view renders. The view never touches
// swarms or channels itself.
import {
  FILES_CHANNEL_LABEL,
  FileShare,
  attachToClient,
  formatShareLink,
  fromHex,
  writable,
  type ChannelClient,
  type FileSwarm,
  type OfferedFile,
  type Readable,
} from "@switchboard/files";
import { BlobSource, manifestFromBlob } from "./blob-source";
import { finishedBlob, openDownloadStore } from "./storage";
import { emptyLog, logPeerBanned, logPieceFailed, logPieceVerified, type TransferLog } from "./transfer-log";
import { transferView, type TransferRole, type TransferView } from "./transfer-view";

/** What the model needs of the SDK client (a `SwitchboardClient` has it all). */
export interface FilesClient extends ChannelClient {
  readonly stores: {
    readonly peers: {
      subscribe(fn: (peers: readonly { peerId: string; name?: string }[]) => void): () => void;
    };
    readonly connections: { subscribe(fn: (c: readonly { peerId: string }[]) => void): () => void };
  };
}

interface Entry {
  readonly swarm: FileSwarm;
  readonly role: TransferRole;
  log: TransferLog;
  readonly offs: (() => void)[];
}

/** A file being hashed before it can be shared. */
export interface Hashing {
  readonly name: string;
  readonly size: number;
}

export class FileSharing {
  readonly share = new FileShare();
  readonly #meeting: string;
  readonly #origin: string;
  readonly #entries = new Map<string, Entry>();
  readonly #names = new Map<string, string>();
  readonly #views = writable<readonly TransferView[]>([]);
  readonly #hashing = writable<readonly Hashing[]>([]);
  readonly #offered = writable<readonly OfferedFile[]>([]);
  readonly #offs: (() => void)[] = [];
  #scheduled = false;

  constructor(client: FilesClient, opts: { meeting: string; origin: string }) {
    this.#meeting = opts.meeting;
    this.#origin = opts.origin;
    this.#offs.push(
      attachToClient(this.share, client),
      client.stores.peers.subscribe((peers) => {
        for (const p of peers) if (p.name) this.#names.set(p.peerId, p.name);
        this.#refresh();
      }),
      this.share.catalogue.subscribe(() => this.#refresh()),
    );
    // Peers connected before this model existed get their files channel too (the side whose id sorts first
    // opens it, as attachToClient does for later connections).
    const unsub = client.stores.connections.subscribe((conns) => {
      const self = client.peerId;
      for (const { peerId } of conns) {
        if (self === undefined || self > peerId) continue;
        client.openChannel(peerId, FILES_CHANNEL_LABEL).then(
          (ch) => this.share.addChannel(ch),
          () => undefined,
        );
      }
    });
    unsub();
  }

  /** Every file shared or downloaded here, as the view shows it. */
  get transfers(): Readable<readonly TransferView[]> {
    return this.#views;
  }

  /** Files being hashed (between picking and sharing). */
  get hashing(): Readable<readonly Hashing[]> {
    return this.#hashing;
  }

  /** Files peers offer that we neither share nor download. */
  get offered(): Readable<readonly OfferedFile[]> {
    return this.#offered;
  }

  nameOf(peerId: string): string {
    return this.#names.get(peerId) ?? `peer ${peerId.slice(0, 6)}`;
  }

  /** The link that opens this file's download in the web app. */
  shareLink(rootHex: string): string {
    const root = fromHex(rootHex, 32);
    if (!root) throw new Error("not a file root");
    return formatShareLink({ origin: this.#origin, root, meeting: this.#meeting });
  }

  /** Hashes and shares a picked or dropped file; resolves with its root (hex). */
  async add(file: File): Promise<string> {
    const item = { name: file.name, size: file.size };
    this.#hashing.set([...this.#hashing.get(), item]);
    try {
      const manifest = await manifestFromBlob(file, file.name);
      const swarm = this.share.seed(manifest, new BlobSource(file, manifest));
      this.#track(swarm, "sharing");
      return swarm.rootHex;
    } finally {
      this.#hashing.set(this.#hashing.get().filter((h) => h !== item));
    }
  }

  /** Starts (or finds) the download of the file named by a root (hex). */
  download(rootHex: string): void {
    if (this.#entries.has(rootHex)) return;
    const root = fromHex(rootHex, 32);
    if (!root) throw new Error("not a file root");
    this.#track(this.share.download(root, openDownloadStore), "downloading");
  }

  /** The finished file of a transfer, or null while it is incomplete. */
  async blob(rootHex: string): Promise<{ blob: Blob; name: string } | null> {
    const swarm = this.#entries.get(rootHex)?.swarm;
    if (!swarm?.store || !swarm.manifest) return null;
    const blob = await finishedBlob(swarm.store, swarm.manifest);
    return blob && { blob, name: swarm.manifest.name };
  }

  /** Stops sharing or downloading a file. */
  async remove(rootHex: string): Promise<void> {
    const entry = this.#entries.get(rootHex);
    if (!entry) return;
    this.#entries.delete(rootHex);
    entry.offs.forEach((f) => f());
    await this.share.remove(entry.swarm.root);
    this.#refresh();
  }

  async close(): Promise<void> {
    this.#offs.forEach((f) => f());
    for (const e of this.#entries.values()) e.offs.forEach((f) => f());
    this.#entries.clear();
    await this.share.close();
  }

  #track(swarm: FileSwarm, role: TransferRole): void {
    if (this.#entries.has(swarm.rootHex)) return;
    const entry: Entry = { swarm, role, log: emptyLog(), offs: [] };
    entry.offs.push(
      swarm.progress.subscribe(() => this.#refresh()),
      swarm.events.on("piece-failed", ({ piece, from }) => {
        entry.log = logPieceFailed(entry.log, piece, from);
        this.#refresh();
      }),
      swarm.events.on("piece-verified", ({ piece }) => {
        entry.log = logPieceVerified(entry.log, piece);
      }),
      swarm.events.on("peer-banned", ({ peerId }) => {
        entry.log = logPeerBanned(entry.log, peerId);
        this.#refresh();
      }),
    );
    this.#entries.set(swarm.rootHex, entry);
    this.#refresh();
  }

  /** Rebuilds the views at most once per animation-frame-sized tick. */
  #refresh(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      const nameOf = (id: string): string => this.nameOf(id);
      this.#offered.set(this.share.catalogue.get().filter((f) => !this.#entries.has(f.root)));
      this.#views.set(
        [...this.#entries.values()].map((e) => transferView(e.swarm.progress.get(), e.role, e.log, nameOf)),
      );
    }, 50);
  }
}
