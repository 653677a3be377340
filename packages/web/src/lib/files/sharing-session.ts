// One FileSharing per meeting session, created the moment the page's session starts (so this page accepts the
// files channels its peers open even before anyone looks at the Files view) and closed when the session ends.
// Transfers live as long as the session: switching between the Meeting and Files views does not stop them.
import type { SwitchboardClient } from "@switchboard/client";
import { writable, type Readable } from "svelte/store";
import { current } from "../session";
import { FileSharing } from "./file-sharing";

const store = writable<FileSharing | null>(null);
let active: { client: SwitchboardClient; model: FileSharing } | null = null;

current.subscribe((s) => {
  if (active && active.client !== s?.client) {
    void active.model.close();
    active = null;
  }
  if (s && !active) {
    active = {
      client: s.client,
      model: new FileSharing(s.client, { meeting: s.code, origin: location.origin }),
    };
  }
  store.set(active?.model ?? null);
});

/** The current session's file sharing (null outside a meeting). */
export const sharing: Readable<FileSharing | null> = { subscribe: store.subscribe };
