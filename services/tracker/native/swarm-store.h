/*
 * The tracker's in-memory swarm store in C (the same swarm rules as the TypeScript store in
 * services/tracker/src/state/, which stays as the fallback when the addon is not built). Used by the N-API binding
 * (HTTP, WebSocket, the UDP slow path) and by the UDP fast path in C (udp-fast.c), both in the one tracker
 * addon. Not thread-safe: one event loop.
 */
#ifndef SB_SWARM_STORE_H
#define SB_SWARM_STORE_H
#include <stdint.h>

#define SS_HASH_LENGTH 20
#define SS_ID_LENGTH 20

typedef struct ss_store ss_store_t;

/* `salt` seeds the store's hash tables; `ttl_seconds`: how long a silent peer stays listed. NULL when out of memory. */
ss_store_t* ss_create(uint32_t ttl_seconds, uint32_t salt);
void ss_destroy(ss_store_t* store);

typedef struct {
  const uint8_t* info_hash; /* 20 bytes */
  const uint8_t* peer_id;   /* 20 bytes */
  const uint8_t* ip;        /* 16 bytes, IPv4 as IPv4-mapped (::ffff:a.b.c.d) */
  uint32_t port;
  uint32_t key;       /* valid when has_key */
  uint8_t has_key;
  uint8_t seeder;     /* left == 0 */
  uint8_t ws;         /* WebRTC peer (kind "ws"), else TCP/uTP ("ip") */
  uint8_t remove;     /* event "stopped" */
  uint8_t completed;  /* event "completed" */
} ss_update_t;

/* Which peers to hand back, and where: buffers are the caller's (see ss_announce for their sizes). */
typedef struct {
  uint32_t numwant;   /* already clamped by the caller */
  uint8_t family;     /* 4: IPv4 peers only, 6: IPv6 only, 0: both (each family its share, as peer-selection.ts) */
  uint8_t with_ids;   /* also the 20-byte ids of the ip peers (non-compact HTTP) */
  uint8_t* compact4;  /* room for numwant * 6 bytes (or NULL when family == 6) */
  uint8_t* compact6;  /* room for numwant * 18 bytes (or NULL when family == 4) */
  uint8_t* ids4;      /* with_ids: room for numwant * 20 */
  uint8_t* ids6;      /* with_ids: room for numwant * 20 */
  uint8_t* ws_ids;    /* ws announces: room for numwant * 20 (the WebRTC peers' ids) */
  /* out: how many peers were written to each */
  uint32_t got4, got6, got_ws;
} ss_select_t;

typedef struct {
  uint32_t complete, incomplete, downloaded;
} ss_counts_t;

#define SS_OK 0
#define SS_KEY_MISMATCH 1
#define SS_PEER_ID_CROWDED 2
/* Added: an allocation failed (nothing changed). */
#define SS_NO_MEMORY 3

/* One announce at `now` (seconds on the caller's clock; expiry is now + ttl). → SS_OK (counts and the selection
 * filled), or SS_KEY_MISMATCH / SS_PEER_ID_CROWDED (nothing changed). Exactly MemorySwarmStore.announce's rules. */
int ss_announce(ss_store_t* store, const ss_update_t* update, ss_select_t* select, uint32_t now, ss_counts_t* counts);

/* Counts of one torrent (zeros when unknown). */
void ss_scrape(ss_store_t* store, const uint8_t* info_hash, ss_counts_t* counts);

/* Removes peers whose expiry is <= now, drops emptied swarms, trims; → peers removed. */
uint32_t ss_sweep(ss_store_t* store, uint32_t now);

typedef struct {
  uint32_t torrents, seeders, leechers;
  double peer_bytes; /* bytes held by peer records, indexes and interned ids (0 with no torrents) */
} ss_totals_t;
void ss_totals(const ss_store_t* store, ss_totals_t* out);

/* Visits torrents (for scrape-all) until `visit` returns nonzero. */
typedef int (*ss_visit_fn)(void* ctx, const uint8_t* info_hash, const ss_counts_t* counts);
void ss_each(const ss_store_t* store, ss_visit_fn visit, void* ctx);

/* Added: drops every torrent and peer and gives their memory back; the store stays usable (the binding's close()
 * calls this, so a C caller holding the store never sees it freed under it). */
void ss_clear(ss_store_t* store);

/* Added: the epoch of the clock `now` counts seconds from, in milliseconds of the Unix clock (the JavaScript
 * wrapper's clock at its creation), for C callers that must announce on the same clock as JavaScript:
 * now = floor((unix_ms - epoch_ms) / 1000). Set by the binding; 0 until then. */
void ss_set_epoch_ms(ss_store_t* store, double epoch_ms);
double ss_epoch_ms(const ss_store_t* store);

#endif
