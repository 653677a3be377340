/*
 * N-API binding of the C swarm store (swarm-store.c): `new SwarmStore(ttlSeconds, salt, epochMs)` makes a store
 * handle whose calls pass their arguments and results through two blocks of memory shared with JavaScript (the
 * handle's `request` and `reply` ArrayBuffers), so an announce costs one call and no value conversion per field.
 *
 * request (REQUEST_BYTES):
 *   0 info-hash (20)  20 peer id (20)  40 address (16, IPv4 as IPv4-mapped)
 *   u32 at 56 port, 60 key, 64 numwant, 68 now (seconds since epochMs); u8 at 72 flags (FLAG_*), 73 family (0, 4, 6);
 *   u32 at 76 and 80: where announce()'s target may take the list (at, end)
 * reply (REPLY_BYTES):
 *   u32 words 0 status (SS_*), 1 complete, 2 incomplete, 3 downloaded, 4 got4, 5 got6, 6 got_ws,
 *   7 bytes written into announce()'s target (0xffffffff: none); then the lists at the offsets in `layout`:
 *   compact4 (MAX_PEERS × 6), compact6 (× 18), ids4, ids6, wsIds (× 20 each).
 *
 * The blocks are the binding's own memory (external ArrayBuffers): the store's state is freed only when the handle
 * and both buffers have been collected, so no JavaScript view outlives the memory behind it.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "binding.h"
#include "swarm-store.h"

#define REQUEST_BYTES 128
#define MAX_PEERS 1000
#define HEADER_BYTES 64
#define OFF_COMPACT4 HEADER_BYTES
#define OFF_COMPACT6 (OFF_COMPACT4 + MAX_PEERS * 6)
#define OFF_IDS4 (OFF_COMPACT6 + MAX_PEERS * 18)
#define OFF_IDS6 (OFF_IDS4 + MAX_PEERS * 20)
#define OFF_WS_IDS (OFF_IDS6 + MAX_PEERS * 20)
#define REPLY_BYTES (OFF_WS_IDS + MAX_PEERS * 20)

#define FLAG_HAS_KEY 1
#define FLAG_SEEDER 2
#define FLAG_WS 4
#define FLAG_REMOVE 8
#define FLAG_COMPLETED 16
#define FLAG_WITH_IDS 32

#define NO_TARGET 0xffffffffu

typedef struct {
  ss_store_t* store; /* NULL once the handle was collected */
  int closed;
  int refs; /* handle + request + reply: freed at 0 */
  uint8_t* request;
  uint8_t* reply;
} state_t;

static const napi_type_tag STORE_TAG = {0x5b1f0c2a7e3d4b11ull, 0x9a64c0de51f7a2b3ull};

#define CHECK(call)                                                                                                    \
  do {                                                                                                                 \
    if ((call) != napi_ok) return NULL;                                                                                \
  } while (0)

static napi_value throw_error(napi_env env, const char* message) {
  napi_throw_error(env, "ERR_SWARM_STORE", message);
  return NULL;
}

static napi_value throw_range(napi_env env, const char* message) {
  napi_throw_range_error(env, "ERR_SWARM_STORE", message);
  return NULL;
}

static void release(state_t* st) {
  if (--st->refs > 0) return;
  free(st->request);
  free(st->reply);
  free(st);
}

static void finalize_handle(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  state_t* st = data;
  ss_destroy(st->store);
  st->store = NULL;
  st->closed = 1;
  release(st);
}

static void finalize_buffer(napi_env env, void* data, void* hint) {
  (void)env;
  (void)data;
  release(hint);
}

/* The state behind `value` when it is a store handle (else NULL, nothing thrown). */
static state_t* state_of(napi_env env, napi_value value) {
  bool tagged = false;
  if (napi_check_object_type_tag(env, value, &STORE_TAG, &tagged) != napi_ok || !tagged) return NULL;
  void* data = NULL;
  if (napi_unwrap(env, value, &data) != napi_ok) return NULL;
  return data;
}

ss_store_t* sb_store_from_value(napi_env env, napi_value value) {
  state_t* st = state_of(env, value);
  return st == NULL || st->closed ? NULL : st->store;
}

/*
 * `this` of a method, its state and up to `*argc` arguments; throws (→ NULL) when not usable. The class's methods
 * are only called on its instances (V8 checks the receiver: "Illegal invocation" otherwise), each wrapped by the
 * constructor, so unwrapping is enough here (the type tag is for sb_store_from_value, which takes any value).
 */
static state_t* open_this(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  napi_value self;
  size_t none = 0;
  if (napi_get_cb_info(env, info, argc ? argc : &none, argv, &self, NULL) != napi_ok) return NULL;
  void* data = NULL;
  state_t* st = napi_unwrap(env, self, &data) == napi_ok ? data : NULL;
  if (st == NULL) {
    throw_error(env, "not a swarm store handle");
    return NULL;
  }
  if (st->closed || st->store == NULL) {
    throw_error(env, "swarm store is closed");
    return NULL;
  }
  return st;
}

static int get_u32(napi_env env, napi_value v, uint32_t* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return -1;
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d)
    return -1;
  *out = (uint32_t)d;
  return 0;
}

static inline uint32_t rd(const uint8_t* b, int at) {
  uint32_t v;
  memcpy(&v, b + at, 4);
  return v;
}

static inline void wr(uint8_t* b, int at, uint32_t v) { memcpy(b + at, &v, 4); }

/* new SwarmStore(ttlSeconds, salt, epochMs) */
static napi_value store_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  uint32_t ttl, salt;
  double epoch = 0;
  if (argc < 3 || get_u32(env, argv[0], &ttl) != 0 || get_u32(env, argv[1], &salt) != 0 ||
      napi_get_value_double(env, argv[2], &epoch) != napi_ok)
    return throw_error(env, "SwarmStore(ttlSeconds, salt, epochMs): unsigned 32-bit ttl and salt, a number epoch");
  if (ttl == 0 || ttl > 0x0fffffff) return throw_range(env, "ttlSeconds must be 1 to 268435455");
  state_t* st = calloc(1, sizeof *st);
  if (!st) return throw_error(env, "out of memory");
  st->request = calloc(1, REQUEST_BYTES);
  st->reply = calloc(1, REPLY_BYTES);
  st->store = ss_create(ttl, salt);
  if (!st->request || !st->reply || !st->store) {
    ss_destroy(st->store);
    free(st->request);
    free(st->reply);
    free(st);
    return throw_error(env, "out of memory");
  }
  ss_set_epoch_ms(st->store, epoch);
  st->refs = 1;
  if (napi_wrap(env, self, st, finalize_handle, NULL, NULL) != napi_ok) {
    st->refs = 0;
    ss_destroy(st->store);
    free(st->request);
    free(st->reply);
    free(st);
    return throw_error(env, "could not wrap the store");
  }
  if (napi_type_tag_object(env, self, &STORE_TAG) != napi_ok) return throw_error(env, "could not tag the store");
  napi_value request, reply;
  st->refs++;
  if (napi_create_external_arraybuffer(env, st->request, REQUEST_BYTES, finalize_buffer, st, &request) != napi_ok) {
    st->refs--;
    return throw_error(env, "could not share the request block");
  }
  st->refs++;
  if (napi_create_external_arraybuffer(env, st->reply, REPLY_BYTES, finalize_buffer, st, &reply) != napi_ok) {
    st->refs--;
    return throw_error(env, "could not share the reply block");
  }
  napi_property_descriptor props[] = {
      {"request", NULL, NULL, NULL, NULL, request, napi_enumerable, NULL},
      {"reply", NULL, NULL, NULL, NULL, reply, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, self, 2, props));
  return self;
}

/*
 * announce([target]) → status. Reads the request block; writes counts and lists to the reply block. With a target
 * (a Uint8Array) and a one-family compact list without ids, the list goes to target[at…] when it fits below `end`
 * (request words at 76 and 80; reply word 7: its length in bytes), as PeerListTarget in swarm-store.ts.
 */
static napi_value store_announce(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  state_t* st = open_this(env, info, &argc, argv);
  if (st == NULL) return NULL;
  const uint8_t* q = st->request;
  uint8_t* r = st->reply;
  uint8_t* target = NULL;
  size_t target_length = 0;
  const uint32_t at = rd(q, 76), end = rd(q, 80);
  if (argc >= 1) {
    napi_typedarray_type type;
    void* data = NULL;
    if (napi_get_typedarray_info(env, argv[0], &type, &target_length, &data, NULL, NULL) != napi_ok ||
        (type != napi_uint8_array && type != napi_uint8_clamped_array)) {
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      return throw_error(env, "announce(target): a Uint8Array (its room: request words 76 and 80)");
    }
    target = data;
  }
  const uint8_t flags = q[72];
  const uint8_t family = q[73];
  if (family != 0 && family != 4 && family != 6) return throw_range(env, "family must be 0, 4 or 6");
  uint32_t port = rd(q, 56);
  if (port > 65535) return throw_range(env, "port must be 0 to 65535");
  uint32_t numwant = rd(q, 64);
  if (numwant > MAX_PEERS) numwant = MAX_PEERS;
  ss_update_t u = {
      .info_hash = q,
      .peer_id = q + 20,
      .ip = q + 40,
      .port = port,
      .key = rd(q, 60),
      .has_key = (flags & FLAG_HAS_KEY) != 0,
      .seeder = (flags & FLAG_SEEDER) != 0,
      .ws = (flags & FLAG_WS) != 0,
      .remove = (flags & FLAG_REMOVE) != 0,
      .completed = (flags & FLAG_COMPLETED) != 0,
  };
  ss_select_t sel = {
      .numwant = numwant,
      .family = family,
      .with_ids = (flags & FLAG_WITH_IDS) != 0,
      .compact4 = r + OFF_COMPACT4,
      .compact6 = r + OFF_COMPACT6,
      .ids4 = r + OFF_IDS4,
      .ids6 = r + OFF_IDS6,
      .ws_ids = r + OFF_WS_IDS,
  };
  ss_counts_t counts;
  int status = ss_announce(st->store, &u, &sel, rd(q, 68), &counts);
  uint32_t written = NO_TARGET;
  if (status == SS_OK && target != NULL && !u.ws && !sel.with_ids && (sel.got4 == 0) != (sel.got6 == 0)) {
    uint32_t bytes = sel.got4 > 0 ? sel.got4 * 6 : sel.got6 * 18;
    if ((uint64_t)at + bytes <= end && end <= target_length) {
      memcpy(target + at, sel.got4 > 0 ? r + OFF_COMPACT4 : r + OFF_COMPACT6, bytes);
      written = bytes;
    }
  }
  wr(r, 0, (uint32_t)status);
  wr(r, 4, counts.complete);
  wr(r, 8, counts.incomplete);
  wr(r, 12, counts.downloaded);
  wr(r, 16, sel.got4);
  wr(r, 20, sel.got6);
  wr(r, 24, sel.got_ws);
  wr(r, 28, written);
  if (status == SS_NO_MEMORY) return throw_error(env, "swarm store: out of memory");
  napi_value out;
  CHECK(napi_create_uint32(env, (uint32_t)status, &out));
  return out;
}

/* scrape(infoHash) → counts in reply words 1–3. */
static napi_value store_scrape(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  state_t* st = open_this(env, info, &argc, argv);
  if (st == NULL) return NULL;
  bool is_typed = false;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed)
    return throw_error(env, "scrape(infoHash): a 20-byte Uint8Array");
  napi_typedarray_type type;
  size_t length;
  void* data;
  CHECK(napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL));
  if (type != napi_uint8_array || length != SS_HASH_LENGTH)
    return throw_range(env, "scrape(infoHash): a 20-byte Uint8Array");
  ss_counts_t c;
  ss_scrape(st->store, data, &c);
  wr(st->reply, 4, c.complete);
  wr(st->reply, 8, c.incomplete);
  wr(st->reply, 12, c.downloaded);
  return NULL;
}

typedef struct {
  uint8_t* out;
  uint32_t n, limit;
} each_t;

static int visit(void* ctx, const uint8_t* info_hash, const ss_counts_t* counts) {
  each_t* e = ctx;
  if (e->n >= e->limit) return 1;
  uint8_t* p = e->out + (size_t)e->n * 32;
  memcpy(p, info_hash, SS_HASH_LENGTH);
  wr(p, 20, counts->complete);
  wr(p, 24, counts->incomplete);
  wr(p, 28, counts->downloaded);
  e->n++;
  return 0;
}

/* scrapeAll(limit) → ArrayBuffer of 32-byte records: info-hash (20), u32 complete, incomplete, downloaded. */
static napi_value store_scrape_all(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  state_t* st = open_this(env, info, &argc, argv);
  if (st == NULL) return NULL;
  uint32_t limit;
  if (argc < 1 || get_u32(env, argv[0], &limit) != 0) return throw_error(env, "scrapeAll(limit): an unsigned integer");
  ss_totals_t t;
  ss_totals(st->store, &t);
  if (limit > t.torrents) limit = t.torrents;
  napi_value buffer;
  void* data = NULL;
  CHECK(napi_create_arraybuffer(env, (size_t)limit * 32, &data, &buffer));
  each_t e = {data, 0, limit};
  if (limit > 0) ss_each(st->store, visit, &e);
  return buffer;
}

/* sweep(now) → peers removed. */
static napi_value store_sweep(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  state_t* st = open_this(env, info, &argc, argv);
  if (st == NULL) return NULL;
  uint32_t now;
  if (argc < 1 || get_u32(env, argv[0], &now) != 0) return throw_error(env, "sweep(now): an unsigned integer");
  napi_value out;
  CHECK(napi_create_uint32(env, ss_sweep(st->store, now), &out));
  return out;
}

/* totals() → doubles at reply bytes 0, 8, 16, 24: torrents, seeders, leechers, peer bytes. */
static napi_value store_totals(napi_env env, napi_callback_info info) {
  state_t* st = open_this(env, info, NULL, NULL);
  if (st == NULL) return NULL;
  ss_totals_t t;
  ss_totals(st->store, &t);
  double v[4] = {t.torrents, t.seeders, t.leechers, t.peer_bytes};
  memcpy(st->reply, v, sizeof v);
  return NULL;
}

/* close(): empties the store (its memory goes back) and refuses every later call; idempotent. */
static napi_value store_close(napi_env env, napi_callback_info info) {
  napi_value self;
  CHECK(napi_get_cb_info(env, info, NULL, NULL, &self, NULL));
  state_t* st = state_of(env, self);
  if (st == NULL) return throw_error(env, "not a swarm store handle");
  if (!st->closed && st->store) ss_clear(st->store);
  st->closed = 1;
  return NULL;
}

static napi_value set_u32(napi_env env, napi_value obj, const char* name, uint32_t value) {
  napi_value v;
  CHECK(napi_create_uint32(env, value, &v));
  CHECK(napi_set_named_property(env, obj, name, v));
  return obj;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"announce", NULL, store_announce, NULL, NULL, NULL, napi_default_method, NULL},
      {"scrape", NULL, store_scrape, NULL, NULL, NULL, napi_default_method, NULL},
      {"scrapeAll", NULL, store_scrape_all, NULL, NULL, NULL, napi_default_method, NULL},
      {"sweep", NULL, store_sweep, NULL, NULL, NULL, napi_default_method, NULL},
      {"totals", NULL, store_totals, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, store_close, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value cls;
  CHECK(napi_define_class(env, "SwarmStore", NAPI_AUTO_LENGTH, store_new, NULL, sizeof methods / sizeof methods[0],
                          methods, &cls));
  CHECK(napi_set_named_property(env, exports, "SwarmStore", cls));
  napi_value layout;
  CHECK(napi_create_object(env, &layout));
  if (!set_u32(env, layout, "requestBytes", REQUEST_BYTES) || !set_u32(env, layout, "replyBytes", REPLY_BYTES) ||
      !set_u32(env, layout, "maxPeers", MAX_PEERS) || !set_u32(env, layout, "compact4", OFF_COMPACT4) ||
      !set_u32(env, layout, "compact6", OFF_COMPACT6) || !set_u32(env, layout, "ids4", OFF_IDS4) ||
      !set_u32(env, layout, "ids6", OFF_IDS6) || !set_u32(env, layout, "wsIds", OFF_WS_IDS))
    return NULL;
  CHECK(napi_set_named_property(env, exports, "layout", layout));
  if (sb_rate_limit_init(env, exports) == NULL) return NULL;
  if (sb_udp_fast_init) return sb_udp_fast_init(env, exports);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
