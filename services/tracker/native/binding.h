/*
 * Hooks between the tracker addon's N-API binding (binding.c) and other C parts compiled into the same addon
 * (the UDP fast path, udp-fast.c).
 */
#ifndef SB_BINDING_H
#define SB_BINDING_H
#include <node_api.h>

#include "rate-limit.h"
#include "swarm-store.h"

/*
 * The store behind a JavaScript store handle (an object made by the binding's `SwarmStore` constructor), or NULL
 * when `value` is not one or the handle was closed. The store lives as long as the handle: a caller that keeps a
 * napi_ref to the handle may use the store until it deletes that reference, and must ask again (NULL once closed)
 * rather than keep the pointer across a close(); close() empties the store but does not free it.
 * `now` for ss_announce/ss_sweep: seconds since ss_epoch_ms(store) on the Unix clock (Date.now() in JavaScript),
 * the clock the JavaScript wrapper uses in production.
 */
ss_store_t* sb_store_from_value(napi_env env, napi_value value);

/*
 * The limiter behind a JavaScript limiter handle (an object made by the binding's `RateLimiter` constructor), or
 * NULL when `value` is not one. The limiter lives as long as the handle: keep a napi_ref to the handle while using it.
 */
rl_limiter_t* sb_limiter_from_value(napi_env env, napi_value value);

/* Defined by rate-limit-binding.c: adds the `RateLimiter` class to the module's exports (→ NULL on failure). */
napi_value sb_rate_limit_init(napi_env env, napi_value exports);

/* Defined by udp-fast.c when it is compiled in; the module's init calls it (when present) with its exports. */
__attribute__((weak)) napi_value sb_udp_fast_init(napi_env env, napi_value exports);

#endif
