/*
 * Per-address token buckets (the announce rate limiter), with exactly the semantics of KeyedRateLimiter
 * (packages/runtime/src/rate-limiter.ts): a key is a client address as 16 bytes (IPv4 as IPv4-mapped, as the swarm
 * store keeps it); a new key starts full at `capacity`; a key seen again gains `refill_per_second` tokens per
 * elapsed second (max(0, now - last), clock in milliseconds, given by the caller) up to `capacity`; an allowed call
 * spends one token, a refused one spends nothing; at most `max_keys` keys, the least recently seen forgotten first.
 * Memory is one pool of `max_keys` entries and one bucket array, both reserved at creation (pages are touched as
 * keys arrive): no allocation per call. Hashing is seeded per limiter from the system's random source.
 */
#ifndef SB_RATE_LIMIT_H
#define SB_RATE_LIMIT_H
#include <stdint.h>

/* Most keys a limiter may hold (the pool is reserved up front). */
#define RL_MAX_KEYS 16777216u

typedef struct rl_limiter rl_limiter_t;

/* NULL when out of memory or the arguments are out of range (capacity and refill finite and >= 0, max_keys 1 to
 * RL_MAX_KEYS). */
rl_limiter_t* rl_create(double capacity, double refill_per_second, uint32_t max_keys);
void rl_destroy(rl_limiter_t* l);
/* 1: allowed (one token spent); 0: refused. */
int rl_allow(rl_limiter_t* l, const uint8_t key[16], double now_ms);
uint32_t rl_size(const rl_limiter_t* l);

#endif
