import type { Member } from "../store/store.js";

/**
 * The peer a newcomer's join-carried offer goes to: the one that joined the room earliest among the joined
 * members on the newcomer's instance (ties by peer id), or none. Earliest, because it has been there longest
 * (the host, usually, and the least likely to be leaving); one, because the offer is one connection; on this
 * instance only, because there the `signal` is written right behind the `peer.joined` the broadcast wrote, in
 * order. A peer on another instance gets an ordinary offer from the newcomer after `joined` (as an old client's).
 */
export function offerTarget(members: readonly Member[], newcomer: Member): Member | undefined {
  let best: Member | undefined;
  for (const m of members) {
    if (m.status !== "joined" || m.peerId === newcomer.peerId || m.instanceId !== newcomer.instanceId)
      continue;
    if (!best || m.joinedAt < best.joinedAt || (m.joinedAt === best.joinedAt && m.peerId < best.peerId))
      best = m;
  }
  return best;
}
