/** Every Redis key and channel the signaling service uses, in one place. */
export const redisKeys = {
  meeting: (roomId: string) => `sb:meeting:${roomId}`,
  hostMeetings: (hostId: string) => `sb:host:${hostId}`,
  members: (roomId: string) => `sb:room:${roomId}:members`,
  chat: (roomId: string) => `sb:room:${roomId}:chat`,
  chatSeq: (roomId: string) => `sb:room:${roomId}:chatseq`,
  /** Sorted set: instance id → presence expiry (ms since epoch). */
  instances: "sb:instances",
  bus: (instanceId: string) => `sb:bus:${instanceId}`,
  /** A bus publisher's guard (expires with its last publish's deadline; see `BusPublisher`). */
  busGuard: (publisherId: string) => `sb:busguard:${publisherId}`,
} as const;
