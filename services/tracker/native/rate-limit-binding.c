/*
 * N-API binding of the per-address rate limiter (rate-limit.c): `new RateLimiter(capacity, refillPerSecond,
 * maxKeys)` with `allow(address: Uint8Array(16), nowMs) → boolean` and `size`. The same limiter can be handed to
 * the UDP announce path in C (udp-fast.c, through sb_limiter_from_value), so JavaScript and C spend one set of
 * buckets.
 */
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>

#include "binding.h"
#include "rate-limit.h"

static const napi_type_tag LIMITER_TAG = {0x2c7d94e1a05b3f68ull, 0xd41e8b7730c2a95full};

static napi_value throw_type(napi_env env, const char* message) {
  napi_throw_type_error(env, "ERR_RATE_LIMITER", message);
  return NULL;
}

static napi_value throw_range(napi_env env, const char* message) {
  napi_throw_range_error(env, "ERR_RATE_LIMITER", message);
  return NULL;
}

static void finalize_limiter(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  rl_destroy(data);
}

rl_limiter_t* sb_limiter_from_value(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_object) return NULL;
  bool tagged = false;
  if (napi_check_object_type_tag(env, value, &LIMITER_TAG, &tagged) != napi_ok || !tagged) return NULL;
  void* data = NULL;
  return napi_unwrap(env, value, &data) == napi_ok ? data : NULL;
}

static int get_number(napi_env env, napi_value v, double* out) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_number && napi_get_value_double(env, v, out) == napi_ok &&
         isfinite(*out);
}

/* new RateLimiter(capacity, refillPerSecond, maxKeys) */
static napi_value limiter_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  if (napi_get_cb_info(env, info, &argc, argv, &self, NULL) != napi_ok) return NULL;
  double capacity, refill, max_keys;
  if (argc < 3 || !get_number(env, argv[0], &capacity) || !get_number(env, argv[1], &refill) ||
      !get_number(env, argv[2], &max_keys))
    return throw_type(env, "RateLimiter(capacity, refillPerSecond, maxKeys): three finite numbers");
  if (capacity < 0 || refill < 0) return throw_range(env, "capacity and refillPerSecond must be >= 0");
  if (!(max_keys >= 1 && max_keys <= RL_MAX_KEYS) || max_keys != floor(max_keys))
    return throw_range(env, "maxKeys must be an integer from 1 to 16777216");
  rl_limiter_t* l = rl_create(capacity, refill, (uint32_t)max_keys);
  if (l == NULL) {
    napi_throw_error(env, "ERR_RATE_LIMITER", "out of memory");
    return NULL;
  }
  if (napi_wrap(env, self, l, finalize_limiter, NULL, NULL) != napi_ok) {
    rl_destroy(l);
    napi_throw_error(env, "ERR_RATE_LIMITER", "could not wrap the limiter");
    return NULL;
  }
  if (napi_type_tag_object(env, self, &LIMITER_TAG) != napi_ok) {
    napi_throw_error(env, "ERR_RATE_LIMITER", "could not tag the limiter");
    return NULL;
  }
  return self;
}

/* The limiter behind `this` (methods run only on instances: V8 checks the receiver). */
static rl_limiter_t* this_limiter(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  napi_value self;
  size_t none = 0;
  if (napi_get_cb_info(env, info, argc ? argc : &none, argv, &self, NULL) != napi_ok) return NULL;
  void* data = NULL;
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    throw_type(env, "not a rate limiter");
    return NULL;
  }
  return data;
}

/* allow(address: Uint8Array of 16 bytes, nowMs: number) → boolean. The per-call path: the argument checks are the
 * N-API calls themselves (napi_get_typedarray_info fails on anything but a typed array, napi_get_value_double on
 * anything but a number). */
static napi_value limiter_allow(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  rl_limiter_t* l = this_limiter(env, info, &argc, argv);
  if (l == NULL) return NULL;
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* bytes = NULL;
  if (argc < 2 || napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || length != 16)
    return throw_type(env, "allow(address, nowMs): address must be a Uint8Array of 16 bytes");
  double now;
  if (napi_get_value_double(env, argv[1], &now) != napi_ok || !isfinite(now))
    return throw_type(env, "allow(address, nowMs): nowMs must be a finite number");
  if (napi_get_boolean(env, rl_allow(l, bytes, now) != 0, &out) != napi_ok) return NULL;
  return out;
}

static napi_value limiter_size(napi_env env, napi_callback_info info) {
  napi_value out;
  rl_limiter_t* l = this_limiter(env, info, NULL, NULL);
  if (l == NULL || napi_create_uint32(env, rl_size(l), &out) != napi_ok) return NULL;
  return out;
}

napi_value sb_rate_limit_init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"allow", NULL, limiter_allow, NULL, NULL, NULL, napi_default_method, NULL},
      {"size", NULL, NULL, limiter_size, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value cls;
  if (napi_define_class(env, "RateLimiter", NAPI_AUTO_LENGTH, limiter_new, NULL, sizeof methods / sizeof methods[0],
                        methods, &cls) != napi_ok ||
      napi_set_named_property(env, exports, "RateLimiter", cls) != napi_ok)
    return NULL;
  return exports;
}
