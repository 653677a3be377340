// The global banner: human messages for every failure a user can hit (and a few good news), one per key.
import { SwitchboardError } from "@switchboard/client";
import { writable, type Readable } from "svelte/store";
import { mediaFailure, sentenceFor } from "./human-messages";

export type MessageKind = "error" | "warning" | "info";

export interface BannerMessage {
  /** One message per key: a newer one replaces it (e.g. "signaling" goes lost → back). */
  readonly key: string;
  readonly code: string;
  readonly kind: MessageKind;
  readonly text: string;
}

const INFO_MS = 6000;
const store = writable<readonly BannerMessage[]>([]);
const timers = new Map<string, ReturnType<typeof setTimeout>>();

/** The messages shown now, oldest first. */
export const messages: Readable<readonly BannerMessage[]> = store;

/** Shows a message (info ones go away by themselves); `detail` is appended, e.g. a participant's name. */
export function notify(code: string, opts: { key?: string; kind?: MessageKind; detail?: string } = {}): void {
  const key = opts.key ?? code;
  const kind = opts.kind ?? "error";
  const text = opts.detail ? `${sentenceFor(code)} (${opts.detail})` : sentenceFor(code);
  clearTimeout(timers.get(key));
  store.update((list) => [...list.filter((m) => m.key !== key), { key, code, kind, text }]);
  if (kind === "info")
    timers.set(
      key,
      setTimeout(() => dismiss(key), INFO_MS),
    );
}

export function dismiss(key: string): void {
  clearTimeout(timers.get(key));
  timers.delete(key);
  store.update((list) => list.filter((m) => m.key !== key));
}

export function dismissAll(): void {
  for (const key of [...timers.keys()]) dismiss(key);
  store.set([]);
}

/** The failure code behind anything thrown: an SDK error's code, a browser media error's name. */
export function failureOf(err: unknown): string {
  if (err instanceof SwitchboardError) {
    const cause = err.cause as { name?: string } | undefined;
    if (err.code === "invalid_argument" && cause?.name) return mediaFailure(cause.name);
    return err.code;
  }
  const name = (err as { name?: string } | undefined)?.name;
  if (name && /Error$/.test(name) && name !== "Error" && name !== "TypeError") return mediaFailure(name);
  return "internal_error";
}

/** Reports anything thrown as a human message. */
export function report(err: unknown, opts: { key?: string; kind?: MessageKind; detail?: string } = {}): void {
  notify(failureOf(err), opts);
}
