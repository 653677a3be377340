/* Per-address token buckets: see rate-limit.h. */
#define _GNU_SOURCE
#include "rate-limit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>


/* Links are entry index + 1, 0 for none: a zeroed bucket array is an empty table. */
typedef struct {
  uint8_t key[16];
  double tokens;
  double last;
  uint32_t newer; /* towards the most recently seen (0 at the newest) */
  uint32_t older; /* towards the least recently seen (0 at the oldest) */
  uint32_t chain; /* next entry in the same hash bucket */
} entry_t;

struct rl_limiter {
  double capacity;
  double refill;
  uint32_t max_keys;
  uint32_t used;   /* entries handed out of the pool (never shrinks: a forgotten key's entry is reused) */
  uint32_t newest; /* 0 when empty */
  uint32_t oldest;
  uint32_t mask; /* buckets - 1 */
  uint64_t seed[2];
  uint32_t* buckets;
  entry_t* pool;
};

#define AT(l, link) (&(l)->pool[(link) - 1])

static uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = (__uint128_t)a * b;
  return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* A seeded hash: where keys land cannot be predicted from outside, so no address set crowds one bucket. */
static uint32_t bucket_of(const rl_limiter_t* l, const uint8_t key[16]) {
  uint64_t a, b;
  memcpy(&a, key, 8);
  memcpy(&b, key + 8, 8);
  uint64_t h = mix(a ^ l->seed[0], b ^ l->seed[1]);
  h = mix(h ^ 0x9e3779b97f4a7c15ull, l->seed[0] | 1);
  return (uint32_t)(h ^ (h >> 32)) & l->mask;
}

void rl_destroy(rl_limiter_t* l) {
  if (l == NULL) return;
  free(l->buckets);
  free(l->pool);
  free(l);
}

rl_limiter_t* rl_create(double capacity, double refill_per_second, uint32_t max_keys) {
  if (!isfinite(capacity) || capacity < 0 || !isfinite(refill_per_second) || refill_per_second < 0 ||
      max_keys == 0 || max_keys > RL_MAX_KEYS)
    return NULL;
  rl_limiter_t* l = calloc(1, sizeof *l);
  if (l == NULL) return NULL;
  uint32_t buckets = 16;
  while (buckets < max_keys) buckets <<= 1;
  l->capacity = capacity;
  l->refill = refill_per_second;
  l->max_keys = max_keys;
  l->mask = buckets - 1;
  /* calloc: large blocks come as untouched zero pages, so memory grows with the keys actually seen. */
  l->buckets = calloc(buckets, sizeof *l->buckets);
  l->pool = calloc(max_keys, sizeof *l->pool);
  if (l->buckets == NULL || l->pool == NULL) {
    rl_destroy(l);
    return NULL;
  }
  if (getrandom(l->seed, sizeof l->seed, GRND_NONBLOCK) != (ssize_t)sizeof l->seed) {
    /* No entropy yet (early boot): a clock-derived seed still differs between processes. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    l->seed[0] = mix((uint64_t)ts.tv_nsec ^ 0x243f6a8885a308d3ull, (uint64_t)(uintptr_t)l | 1);
    l->seed[1] = mix((uint64_t)ts.tv_sec ^ 0x13198a2e03707344ull, l->seed[0] | 1);
  }
  return l;
}

uint32_t rl_size(const rl_limiter_t* l) { return l->used; }

static void unlink_lru(rl_limiter_t* l, uint32_t link) {
  entry_t* e = AT(l, link);
  if (e->newer != 0)
    AT(l, e->newer)->older = e->older;
  else
    l->newest = e->older;
  if (e->older != 0)
    AT(l, e->older)->newer = e->newer;
  else
    l->oldest = e->newer;
}

static void push_newest(rl_limiter_t* l, uint32_t link) {
  entry_t* e = AT(l, link);
  e->newer = 0;
  e->older = l->newest;
  if (l->newest != 0) AT(l, l->newest)->newer = link;
  l->newest = link;
  if (l->oldest == 0) l->oldest = link;
}

/* Takes the entry at `link` out of its hash bucket's chain. */
static void unlink_hash(rl_limiter_t* l, uint32_t link) {
  uint32_t* at = &l->buckets[bucket_of(l, AT(l, link)->key)];
  while (*at != 0 && *at != link) at = &AT(l, *at)->chain;
  if (*at == link) *at = AT(l, link)->chain;
}

int rl_allow(rl_limiter_t* l, const uint8_t key[16], double now_ms) {
  uint32_t* bucket = &l->buckets[bucket_of(l, key)];
  uint32_t link = *bucket;
  while (link != 0 && memcmp(AT(l, link)->key, key, 16) != 0) link = AT(l, link)->chain;
  entry_t* e;
  if (link == 0) {
    /* A new key: the least recently seen one is forgotten first when the pool is full. */
    if (l->used < l->max_keys) {
      link = ++l->used;
    } else {
      link = l->oldest;
      unlink_lru(l, link);
      unlink_hash(l, link);
    }
    e = AT(l, link);
    memcpy(e->key, key, 16);
    e->chain = *bucket;
    *bucket = link;
    e->tokens = l->capacity;
    e->last = now_ms;
  } else {
    /* The same arithmetic, in the same order, as KeyedRateLimiter (so the two decide alike to the last bit). */
    e = AT(l, link);
    unlink_lru(l, link);
    double elapsed = now_ms - e->last;
    double gained = ((elapsed > 0 ? elapsed : 0) / 1000) * l->refill;
    double tokens = e->tokens + gained;
    e->tokens = tokens < l->capacity ? tokens : l->capacity;
    e->last = now_ms;
  }
  push_newest(l, link);
  if (e->tokens < 1) return 0;
  e->tokens -= 1;
  return 1;
}
