/*
 * The tracker's C swarm store (services/tracker/native/swarm-store.c) without JavaScript:
 *
 *   bench  the benchmark's 1,000 torrents × 1,000 peers filled, then announces walked as run.ts's load does (a
 *          torrent after another, the same peer for 1,000 announces), 50 IPv4 peers each: CPU ns per announce and
 *          the store's bytes per peer (as store-path.ts measures the stores through JavaScript).
 *   fuzz   random announces (both families, keys, kinds, stops, completions, any numwant, family and ids),
 *          sweeps as it goes, totals checked against a walk of every torrent; with `one`, a single torrent of up
 *          to 200,000 ids (32-bit index entries). Build it with the sanitizers.
 *
 *   cc -std=c11 -O2 -Iservices/tracker/native bench/tracker/store-native.c services/tracker/native/swarm-store.c \
 *     -o /tmp/store-native && flock /tmp/sb-bench.lock /tmp/store-native bench [announces]
 *   cc -std=c11 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -Iservices/tracker/native \
 *     bench/tracker/store-native.c services/tracker/native/swarm-store.c -o /tmp/store-fuzz \
 *     && /tmp/store-fuzz fuzz [announces] [one]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "swarm-store.h"

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put_be32(uint8_t* b, uint32_t v) {
  b[0] = (uint8_t)(v >> 24);
  b[1] = (uint8_t)(v >> 16);
  b[2] = (uint8_t)(v >> 8);
  b[3] = (uint8_t)v;
}

/* population.ts: info-hash "bench-torrent-" + u32 index, peer id "-BN0001-" + u32 index, port 10000 + p. */
static int bench(long n) {
  const int torrents = 1000, peers = 1000;
  ss_store_t* s = ss_create(3600, 12345);
  if (!s) return 1;
  uint8_t ih[20] = {0}, id[20] = {0};
  const uint8_t ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  memcpy(ih, "bench-torrent-", 14);
  memcpy(id, "-BN0001-", 8);
  uint8_t c4[50 * 6];
  ss_select_t sel = {.numwant = 50, .family = 4, .compact4 = c4};
  ss_counts_t counts;
  const long filled = (long)torrents * peers, warm = 200000;
  double t0 = 0;
  long bytes = 0;
  for (long k = 0; k < filled + warm + n; k++) {
    if (k == filled + warm) {
      t0 = cpu_seconds();
      bytes = 0;
    }
    const uint32_t t = (uint32_t)(k % torrents), p = (uint32_t)((k / torrents) % peers);
    put_be32(ih + 16, t);
    put_be32(id + 16, p);
    ss_update_t u = {.info_hash = ih, .peer_id = id, .ip = ip, .port = 10000 + p, .seeder = p % 2 == 0};
    if (ss_announce(s, &u, &sel, 0, &counts) != SS_OK) {
      fprintf(stderr, "announce %ld refused\n", k);
      return 1;
    }
    bytes += sel.got4 * 6;
  }
  const double ns = (cpu_seconds() - t0) * 1e9 / (double)n;
  ss_totals_t tt;
  ss_totals(s, &tt);
  printf("%.0f ns CPU per announce; %.2f store bytes per peer; lists %s\n", ns,
         tt.peer_bytes / (tt.seeders + tt.leechers), bytes == n * 300 ? "complete" : "SHORT");
  ss_destroy(s);
  return bytes == n * 300 ? 0 : 1;
}

static uint32_t rng = 2463534242u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

typedef struct {
  uint32_t torrents, seeders, leechers;
} sum_t;

static int add(void* ctx, const uint8_t* info_hash, const ss_counts_t* c) {
  (void)info_hash;
  sum_t* a = ctx;
  a->torrents++;
  a->seeders += c->complete;
  a->leechers += c->incomplete;
  return 0;
}

static int fuzz(long n, int one) {
  ss_store_t* s = ss_create(100, 7);
  if (!s) return 1;
  uint8_t ih[20] = {0}, id[20] = {0}, ip[16];
  static uint8_t c4[1000 * 6], c6[1000 * 18], i4[1000 * 20], i6[1000 * 20], ws[1000 * 20];
  uint32_t now = 1000;
  for (long k = 0; k < n; k++) {
    const uint32_t r = next();
    ih[0] = one ? 0 : (uint8_t)(r % 256);
    ih[1] = one ? 0 : (uint8_t)((r >> 9) % 2);
    const uint32_t p = next() % (one ? 200000u : 3000u);
    memcpy(id, &p, 4);
    const uint32_t a = next();
    memset(ip, 0, sizeof ip);
    if (a % 4) {
      ip[10] = ip[11] = 0xff;
      ip[12] = 10;
    } else {
      ip[0] = 0x20;
      ip[1] = 1;
    }
    ip[13] = (uint8_t)(a >> 8);
    ip[14] = (uint8_t)(p >> 8);
    ip[15] = (uint8_t)(a % 3 == 0 ? p : a >> 16);
    const uint32_t f = next();
    ss_update_t u = {.info_hash = ih,
                     .peer_id = id,
                     .ip = ip,
                     .port = f & 0xffff,
                     .key = (f >> 16) % 3,
                     .has_key = (f >> 18) & 1,
                     .seeder = (f >> 19) & 1,
                     .ws = (f >> 20) % 7 == 0,
                     .remove = (f >> 23) % 10 == 0,
                     .completed = (f >> 27) % 20 == 0};
    static const uint8_t families[3] = {0, 4, 6};
    ss_select_t sel = {.numwant = next() % 1001,
                       .family = families[next() % 3],
                       .with_ids = next() & 1,
                       .compact4 = c4,
                       .compact6 = c6,
                       .ids4 = i4,
                       .ids6 = i6,
                       .ws_ids = ws};
    ss_counts_t c;
    const int status = ss_announce(s, &u, &sel, now, &c);
    if (status < SS_OK || status > SS_PEER_ID_CROWDED) {
      fprintf(stderr, "announce %ld: status %d\n", k, status);
      return 1;
    }
    if (status == SS_OK && sel.got4 + sel.got6 + sel.got_ws > sel.numwant) {
      fprintf(stderr, "announce %ld: more peers than numwant\n", k);
      return 1;
    }
    if (k % 50000 == 0) ss_sweep(s, now += 37);
    if (k % 200000 == 0) {
      ss_totals_t t;
      ss_totals(s, &t);
      sum_t sum = {0, 0, 0};
      ss_each(s, add, &sum);
      if (sum.torrents != t.torrents || sum.seeders != t.seeders || sum.leechers != t.leechers) {
        fprintf(stderr, "totals differ from the torrents' counts\n");
        return 1;
      }
      printf("%ld: %u torrents, %u peers, %.1f bytes per peer\n", k, t.torrents, t.seeders + t.leechers,
             t.peer_bytes / (t.seeders + t.leechers + 1));
    }
  }
  const uint32_t swept = ss_sweep(s, now + 1000);
  ss_totals_t t;
  ss_totals(s, &t);
  printf("final sweep: %u peers; left %u torrents, %u peers, %.0f bytes\n", swept, t.torrents,
         t.seeders + t.leechers, t.peer_bytes);
  const int empty = t.torrents == 0 && t.seeders + t.leechers == 0 && t.peer_bytes == 0;
  ss_destroy(s);
  return empty ? 0 : 1;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "bench";
  const long n = argc > 2 ? atol(argv[2]) : 2000000;
  if (n <= 0) return 2;
  if (strcmp(mode, "bench") == 0) return bench(n);
  if (strcmp(mode, "fuzz") == 0) return fuzz(n, argc > 3 && strcmp(argv[3], "one") == 0);
  fprintf(stderr, "usage: %s bench|fuzz [announces] [one]\n", argv[0]);
  return 2;
}
