/*
 * The BEP 15 announce answered in C: a datagram handler (packages/datagram/src/native/datagram-handler.h) that the
 * UDP listener attaches to its native socket. It answers, in the poll phase and without entering JavaScript, the
 * announces whose outcome it can be sure of — a 98-byte announce (no BEP 41 URL data) with a connection id this
 * process issued, a valid port, and a store that accepts it — through the same C store (swarm-store.h) that
 * JavaScript uses. Everything else (connects, scrapes, errors, refusals, ids it cannot verify, announces while
 * access rules are in force) is passed on unchanged to the JavaScript listener, which applies
 * the tracker core's rules to it; the handler never refuses anything itself and changes nothing when it passes.
 * With the per-address rate limiter (rate-limit.c; the one the core asks too) it spends the announcing address's
 * token before the store sees the announce, and passes what the limiter refuses: the core asks the same buckets
 * again, is refused too, and sends the "rate limited" error (and counts it).
 *
 * Connection ids are the JavaScript ones (transport/udp/connection-ids.ts): the first 8 bytes of
 * HMAC-SHA256(secret, "<window>|<address text>"), windows of 30 s, the current and four past windows accepted;
 * computed with Node's own OpenSSL and cached per (address, window).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <node_api.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "binding.h"
#include "datagram-handler.h"
#include "swarm-store.h"

#define ANNOUNCE_LENGTH 98
#define ACTION_ANNOUNCE 1
#define REPLY_HEADER 20
#define EVENT_COMPLETED 1
#define EVENT_STOPPED 3
#define WINDOW_MS 30000
#define PAST_WINDOWS 4
/* Connection-id cache entries (a power of two); one HMAC per client address per window otherwise. */
#define CID_SLOTS 4096
#define SECRET_MAX 256

typedef struct {
  uint8_t addr[16];
  int64_t window;
  uint8_t id[8];
  uint8_t used;
} cid_entry_t;

typedef struct {
  sb_datagram_handler_t handler; /* first: the external's data is the context */
  ss_store_t* store;
  napi_ref store_ref; /* keeps the JavaScript store handle (and so the store) alive */
  rl_limiter_t* limiter;  /* NULL: no rate limit */
  napi_ref limiter_ref;   /* keeps the JavaScript limiter handle (and so the limiter) alive */
  int enabled;
  uint32_t interval;
  uint32_t numwant_default;
  uint32_t numwant_max;
  double announces; /* answered since the last take() */
  uint8_t secret[SECRET_MAX];
  size_t secret_length;
  cid_entry_t cids[CID_SLOTS];
} fast_t;

static uint32_t rd32(const uint8_t* p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void wr32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
}

/* The sender as the store keeps it (16 bytes, IPv4 as IPv4-mapped); → 4 or 6, 0 for another family. */
static int sender_ip(const struct sockaddr* from, socklen_t length, uint8_t ip[16]) {
  if (from->sa_family == AF_INET && length >= (socklen_t)sizeof(struct sockaddr_in)) {
    memset(ip, 0, 10);
    ip[10] = ip[11] = 0xff;
    memcpy(ip + 12, &((const struct sockaddr_in*)from)->sin_addr, 4);
    return 4;
  }
  if (from->sa_family == AF_INET6 && length >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct in6_addr* a = &((const struct sockaddr_in6*)from)->sin6_addr;
    memcpy(ip, a, 16);
    return IN6_IS_ADDR_V4MAPPED(a) ? 4 : 6;
  }
  return 0;
}

/* The connection id of `ip` in `window`, as connection-ids.ts computes it (the address text as the datagram
 * layer gives it: IPv4 dotted, IPv4-mapped senders as IPv4). → 0 when it cannot be computed. */
static int compute_id(const fast_t* f, const uint8_t ip[16], int family, int64_t window, uint8_t id[8]) {
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(family == 4 ? AF_INET : AF_INET6, family == 4 ? ip + 12 : ip, text, sizeof text) == NULL) return 0;
  char input[32 + INET6_ADDRSTRLEN];
  int n = snprintf(input, sizeof input, "%lld|%s", (long long)window, text);
  if (n <= 0 || (size_t)n >= sizeof input) return 0;
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  if (HMAC(EVP_sha256(), f->secret, (int)f->secret_length, (const uint8_t*)input, (size_t)n, md, &md_length) == NULL ||
      md_length < 8)
    return 0;
  memcpy(id, md, 8);
  return 1;
}

static uint32_t cid_slot(const uint8_t ip[16], int64_t window) {
  uint32_t h = 2166136261u ^ (uint32_t)window;
  for (int i = 0; i < 16; i++) h = (h ^ ip[i]) * 16777619u;
  return (h ^ (h >> 15)) & (CID_SLOTS - 1);
}

/* Whether `given` (8 bytes) is the id of `ip` in `window` (computed once per address and window). */
static int id_matches(fast_t* f, const uint8_t ip[16], int family, int64_t window, const uint8_t* given) {
  cid_entry_t* e = &f->cids[cid_slot(ip, window)];
  if (!e->used || e->window != window || memcmp(e->addr, ip, 16) != 0) {
    if (!compute_id(f, ip, family, window, e->id)) {
      e->used = 0;
      return 0;
    }
    memcpy(e->addr, ip, 16);
    e->window = window;
    e->used = 1;
  }
  uint8_t diff = 0;
  for (int i = 0; i < 8; i++) diff |= (uint8_t)(e->id[i] ^ given[i]);
  return diff == 0;
}

static int id_accepted(fast_t* f, const uint8_t ip[16], int family, double now, const uint8_t* given) {
  int64_t window = (int64_t)(now / WINDOW_MS);
  for (int64_t w = window; w >= window - PAST_WINDOWS; w--)
    if (id_matches(f, ip, family, w, given)) return 1;
  return 0;
}

static int32_t handle(void* ctx, const uint8_t* d, uint32_t length, const struct sockaddr* from,
                      socklen_t from_length, uint8_t* reply, uint32_t room) {
  fast_t* f = (fast_t*)ctx;
  if (!f->enabled || f->store == NULL || length != ANNOUNCE_LENGTH || rd32(d + 8) != ACTION_ANNOUNCE)
    return SB_DATAGRAM_PASS;
  uint32_t event = rd32(d + 80);
  uint32_t port = (uint32_t)d[96] << 8 | d[97];
  if (event > EVENT_STOPPED || (port == 0 && event != EVENT_STOPPED)) return SB_DATAGRAM_PASS;
  uint8_t ip[16];
  int family = sender_ip(from, from_length, ip);
  if (family == 0) return SB_DATAGRAM_PASS;
  double now = now_ms();
  if (!id_accepted(f, ip, family, now, d)) return SB_DATAGRAM_PASS;
  int32_t asked = (int32_t)rd32(d + 92);
  uint32_t numwant = asked < 0 ? f->numwant_default : (uint32_t)asked;
  if (numwant > f->numwant_max) numwant = f->numwant_max;
  uint32_t width = family == 4 ? 6 : 18;
  if (room < REPLY_HEADER || (uint64_t)numwant * width > room - REPLY_HEADER) return SB_DATAGRAM_PASS;
  int left_zero = 1;
  for (int i = 64; i < 72; i++) left_zero &= d[i] == 0;
  ss_update_t u = {
      .info_hash = d + 16,
      .peer_id = d + 36,
      .ip = ip,
      .port = port,
      .key = rd32(d + 88),
      .has_key = 1,
      .seeder = (uint8_t)left_zero,
      .ws = 0,
      .remove = event == EVENT_STOPPED,
      .completed = event == EVENT_COMPLETED,
  };
  ss_select_t sel;
  memset(&sel, 0, sizeof sel);
  sel.numwant = numwant;
  sel.family = (uint8_t)family;
  if (family == 4)
    sel.compact4 = reply + REPLY_HEADER;
  else
    sel.compact6 = reply + REPLY_HEADER;
  ss_counts_t counts;
  double seconds = (now - ss_epoch_ms(f->store)) / 1000.0;
  if (seconds < 0) return SB_DATAGRAM_PASS;
  /* The core exempts stops from the limit (TrackerCore.announceNow); so does this. A refusal is passed on and
   * charged nothing here (the core, asking the same bucket, is refused without spending either). The one double
   * charge: a token spent here for an announce the store then refuses (key mismatch, peer id crowded), which is
   * passed on too, and the core spends another for it. */
  if (f->limiter != NULL && event != EVENT_STOPPED && !rl_allow(f->limiter, ip, now)) return SB_DATAGRAM_PASS;
  if (ss_announce(f->store, &u, &sel, (uint32_t)seconds, &counts) != SS_OK) return SB_DATAGRAM_PASS;
  wr32(reply, ACTION_ANNOUNCE);
  memcpy(reply + 4, d + 12, 4);
  wr32(reply + 8, f->interval);
  wr32(reply + 12, counts.incomplete);
  wr32(reply + 16, counts.complete);
  f->announces++;
  return (int32_t)(REPLY_HEADER + (family == 4 ? sel.got4 * 6 : sel.got6 * 18));
}

/* ---- JavaScript side --------------------------------------------------------------------------------------- */

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "ERR_TRACKER_NAPI", "N-API call failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static void finalize_fast(napi_env env, void* data, void* hint) {
  (void)hint;
  fast_t* f = (fast_t*)data;
  if (f->store_ref != NULL) napi_delete_reference(env, f->store_ref);
  if (f->limiter_ref != NULL) napi_delete_reference(env, f->limiter_ref);
  free(f);
}

static int get_u32(napi_env env, napi_value v, uint32_t* out) {
  return napi_get_value_uint32(env, v, out) == napi_ok;
}

/* udpFastCreate(store, secret: Uint8Array, interval, numwantDefault, numwantMax, limiter?) → handler external
 * (disabled until udpFastEnable); `limiter`: a RateLimiter handle whose buckets it spends (undefined: none). The store's clock must be the Unix clock (see binding.h): the handler announces at its own time. */
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, "ERR_TRACKER_ARGS", "udpFastCreate(store, secret, interval, numwantDefault, numwantMax)");
    return NULL;
  }
  ss_store_t* store = sb_store_from_value(env, argv[0]);
  bool is_typed = false;
  napi_typedarray_type type;
  size_t secret_length = 0;
  void* secret = NULL;
  if (napi_is_typedarray(env, argv[1], &is_typed) == napi_ok && is_typed)
    CHECK(napi_get_typedarray_info(env, argv[1], &type, &secret_length, &secret, NULL, NULL));
  uint32_t interval, numwant_default, numwant_max;
  if (store == NULL || !is_typed || type != napi_uint8_array || secret_length == 0 || secret_length > SECRET_MAX ||
      !get_u32(env, argv[2], &interval) || !get_u32(env, argv[3], &numwant_default) ||
      !get_u32(env, argv[4], &numwant_max)) {
    napi_throw_type_error(env, "ERR_TRACKER_ARGS", "udpFastCreate: a native store, a 1-256 byte secret, three counts");
    return NULL;
  }
  rl_limiter_t* limiter = NULL;
  napi_valuetype limiter_type = napi_undefined;
  if (argc >= 6 && napi_typeof(env, argv[5], &limiter_type) == napi_ok && limiter_type != napi_undefined) {
    limiter = sb_limiter_from_value(env, argv[5]);
    if (limiter == NULL) {
      napi_throw_type_error(env, "ERR_TRACKER_ARGS", "udpFastCreate: the limiter must be a RateLimiter or undefined");
      return NULL;
    }
  }
  fast_t* f = (fast_t*)calloc(1, sizeof *f);
  if (f == NULL) {
    napi_throw_error(env, "ERR_TRACKER_NATIVE", "out of memory");
    return NULL;
  }
  f->handler.abi = SB_DATAGRAM_HANDLER_ABI;
  f->handler.ctx = f;
  f->handler.handle = handle;
  f->store = store;
  f->limiter = limiter;
  f->interval = interval;
  f->numwant_default = numwant_default;
  f->numwant_max = numwant_max;
  memcpy(f->secret, secret, secret_length);
  f->secret_length = secret_length;
  if (napi_create_reference(env, argv[0], 1, &f->store_ref) != napi_ok ||
      (limiter != NULL && napi_create_reference(env, argv[5], 1, &f->limiter_ref) != napi_ok) ||
      napi_create_external(env, f, finalize_fast, NULL, &out) != napi_ok) {
    if (f->store_ref != NULL) napi_delete_reference(env, f->store_ref);
    if (f->limiter_ref != NULL) napi_delete_reference(env, f->limiter_ref);
    free(f);
    napi_throw_error(env, "ERR_TRACKER_NAPI", "N-API call failed");
    return NULL;
  }
  return out;
}

static fast_t* fast_of(napi_env env, napi_value v) {
  napi_valuetype type;
  void* data = NULL;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || data == NULL) return NULL;
  fast_t* f = (fast_t*)data;
  return f->handler.abi == SB_DATAGRAM_HANDLER_ABI && f->handler.handle == handle ? f : NULL;
}

/* udpFastEnable(handler, on): whether the handler answers announces (off: it passes everything on). */
static napi_value js_enable(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool on = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fast_t* f = argc < 2 ? NULL : fast_of(env, argv[0]);
  if (f == NULL || napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    napi_throw_type_error(env, "ERR_TRACKER_ARGS", "udpFastEnable(handler, on)");
    return NULL;
  }
  f->enabled = on ? 1 : 0;
  return NULL;
}

/* udpFastTake(handler) → announces it answered since the last call. */
static napi_value js_take(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fast_t* f = argc < 1 ? NULL : fast_of(env, argv[0]);
  if (f == NULL) {
    napi_throw_type_error(env, "ERR_TRACKER_ARGS", "udpFastTake(handler)");
    return NULL;
  }
  CHECK(napi_create_double(env, f->announces, &out));
  f->announces = 0;
  return out;
}

napi_value sb_udp_fast_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"udpFastCreate", NULL, js_create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"udpFastEnable", NULL, js_enable, NULL, NULL, NULL, napi_enumerable, NULL},
      {"udpFastTake", NULL, js_take, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
