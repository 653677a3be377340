/*
 * The tracker's in-memory swarm store in C: the same rules as the TypeScript store in services/tracker/src/state/
 * (MemorySwarmStore, Swarm, PeerArena, ArenaIndex, PeerIdTable, InfoHashTable, selectPeers), laid out for few
 * dependent cache lines per announce: info-hash table entry → swarm (its IPv4 TCP/uTP arena inline) → arena index
 * entry → row → the address column, copied a contiguous run at a time.
 *
 * Peer records live in pages of one fixed size (128 records; a swarm's single first page grows 2 → 8 → 32 → 128)
 * each a column of rows and a column of addresses:
 *   row (12)   ref (4) interned peer id, key (4) BEP 7/15 key, meta (4) flags (top 4 bits) + expiry (low 28 bits)
 *   addr (6 or 18) the compact form: IPv4 (4) or IPv6 (16) address, then the port (2, big-endian)
 * Pages are malloc'd whole (one chunk overhead per 128 records, not per record). Removal moves the last record
 * into the freed slot, so records stay dense and a run of the address column is one memcpy.
 *
 * Every allocation an announce may need is made before anything changes, so an allocation failure leaves the
 * store as it was (SS_NO_MEMORY).
 */
#define _GNU_SOURCE
#include "swarm-store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define FLAG_SEEDER 1u
#define FLAG_HAS_KEY 8u
#define EXPIRES_MASK 0x0fffffffu

/* Records one peer id may have at different addresses in one swarm (keyless peers are id + address). */
#define MAX_ADDRESSES_PER_ID 4
#define MATCH_NONE (-1)
#define MATCH_KEY_MISMATCH (-2)
#define MATCH_CROWDED (-3)

/* Arenas: records matched by a scan up to LINEAR_MAX, an index past it, dropped again at LINEAR_BACK. */
#define LINEAR_MAX 32u
#define LINEAR_BACK 16u
#define PAGE 128u
#define PAGE_SHIFT 7
#define PAGE_MASK (PAGE - 1)
#define FIRST_GROWTH 4u
static const uint32_t FIRST_CAPACITIES[] = {2, 8, 32, PAGE};

/* Arena index: load above which it grows (0.85), the load it is rebuilt to (0.65), entries per chunk. */
#define CHUNK 64u
#define NARROW_SLOT_BITS 12
#define WIDE_SLOT_BITS 24
#define HUGE_SLOT_BITS 31

#define TABLE_MIN 64u
#define ID_MIN 16u
#define ID_INDEX_MIN 32u

typedef struct {
  uint32_t count;
  uint32_t cap;        /* records per page (below PAGE only while there is one page) */
  uint32_t npages;     /* 0: the arena does not exist */
  uint32_t room;       /* entries of `pages` (1 while it points at `one`) */
  uint8_t** pages;
  uint8_t* one;        /* the first page's pointer, in the arena itself while there is one page */
  void* index;         /* NULL: no index (scan); else `isize` entries of 16 or 32 bits */
  uint32_t isize;
  uint32_t slot_mask;
  uint32_t tag_mask;
  uint8_t slot_bits;
  uint8_t wide;
  uint8_t addr_len; /* 6 or 18 */
} arena_t;

typedef struct {
  uint32_t count, seeders, leechers, downloaded;
  arena_t a0;      /* TCP/uTP IPv4: the usual arena, no pointer to follow */
  arena_t* a[3];   /* 1: TCP/uTP IPv6, 2: WebRTC IPv4, 3: WebRTC IPv6 */
} swarm_t;

typedef struct {
  uint8_t hash[SS_HASH_LENGTH];
  uint32_t pad;
  swarm_t* swarm; /* NULL: free entry */
} entry_t;

typedef struct {
  uint8_t* ids;     /* 20 bytes per reference; reference 0 never used */
  uint32_t* uses;   /* records per reference; a free reference holds the next free one */
  uint32_t* index;  /* open addressing, references */
  uint32_t mask;
  uint32_t size;    /* distinct ids held */
  uint32_t next;    /* next never-used reference */
  uint32_t cap;     /* references the arrays hold */
  uint32_t free_head;
} ids_t;

struct ss_store {
  uint32_t ttl;
  uint32_t salt;
  uint32_t rng;
  uint32_t base; /* the first `now` seen (expiry is counted from it); UINT32_MAX until then */
  double epoch_ms;
  entry_t* table;
  uint32_t mask;
  uint32_t torrents;
  uint32_t seeders, leechers;
  double bytes; /* pages + indexes */
  ids_t ids;
};

/* ---------------------------------------------------------------- peer ids (PeerIdTable) */

static uint32_t hash_id(const uint8_t* b, uint32_t salt) {
  uint32_t h = 0x811c9dc5u ^ salt;
  for (int i = 0; i < SS_ID_LENGTH; i++) {
    h ^= b[i];
    h *= 0x01000193u;
  }
  return h;
}

static int ids_init(ids_t* t) {
  memset(t, 0, sizeof *t);
  t->ids = calloc(ID_MIN, SS_ID_LENGTH);
  t->uses = calloc(ID_MIN, sizeof(uint32_t));
  t->index = calloc(ID_INDEX_MIN, sizeof(uint32_t));
  if (!t->ids || !t->uses || !t->index) {
    free(t->ids);
    free(t->uses);
    free(t->index);
    memset(t, 0, sizeof *t);
    return -1;
  }
  t->mask = ID_INDEX_MIN - 1;
  t->next = 1;
  t->cap = ID_MIN;
  return 0;
}

static void ids_free(ids_t* t) {
  free(t->ids);
  free(t->uses);
  free(t->index);
  memset(t, 0, sizeof *t);
}

static double ids_bytes(const ids_t* t) {
  return (double)t->cap * (SS_ID_LENGTH + 4) + (double)(t->mask + 1) * 4;
}

static uint32_t ids_lookup(const ids_t* t, const uint8_t* id, uint32_t salt) {
  uint32_t i = hash_id(id, salt) & t->mask;
  for (;;) {
    uint32_t ref = t->index[i];
    if (ref == 0 || memcmp(t->ids + (size_t)ref * SS_ID_LENGTH, id, SS_ID_LENGTH) == 0) return ref;
    i = (i + 1) & t->mask;
  }
}

static void ids_insert(ids_t* t, uint32_t ref, uint32_t salt) {
  uint32_t i = hash_id(t->ids + (size_t)ref * SS_ID_LENGTH, salt) & t->mask;
  while (t->index[i] != 0) i = (i + 1) & t->mask;
  t->index[i] = ref;
}

/* Room for one more distinct id (index at most 3/4 full after it, arrays big enough): 0, or -1 out of memory. */
static int ids_reserve(ids_t* t, uint32_t salt) {
  if ((uint64_t)(t->size + 1) * 4 > (uint64_t)(t->mask + 1) * 3) {
    uint32_t size = (t->mask + 1) * 2;
    uint32_t* index = calloc(size, sizeof(uint32_t));
    if (!index) return -1;
    uint32_t* old = t->index;
    uint32_t old_size = t->mask + 1;
    t->index = index;
    t->mask = size - 1;
    for (uint32_t i = 0; i < old_size; i++)
      if (old[i] != 0) ids_insert(t, old[i], salt);
    free(old);
  }
  if (t->free_head == 0 && t->next >= t->cap) {
    if (t->cap >= 0x7fffffffu / SS_ID_LENGTH) return -1;
    uint32_t cap = t->cap * 2;
    uint8_t* ids = realloc(t->ids, (size_t)cap * SS_ID_LENGTH);
    if (!ids) return -1;
    t->ids = ids;
    uint32_t* uses = realloc(t->uses, (size_t)cap * sizeof(uint32_t));
    if (!uses) return -1; /* ids grew, cap did not: harmless */
    t->uses = uses;
    t->cap = cap;
  }
  return 0;
}

/* The reference of `id`, added when new (after ids_reserve), with one more record using it. */
static uint32_t ids_acquire(ids_t* t, const uint8_t* id, uint32_t salt) {
  uint32_t ref = ids_lookup(t, id, salt);
  if (ref == 0) {
    if (t->free_head != 0) {
      ref = t->free_head;
      t->free_head = t->uses[ref];
    } else {
      ref = t->next++;
    }
    memcpy(t->ids + (size_t)ref * SS_ID_LENGTH, id, SS_ID_LENGTH);
    t->uses[ref] = 0;
    ids_insert(t, ref, salt);
    t->size++;
  }
  t->uses[ref]++;
  return ref;
}

static void ids_reset(ids_t* t) {
  /* Back to the small arrays (kept as they are when the smaller ones cannot be had). */
  uint8_t* ids = calloc(ID_MIN, SS_ID_LENGTH);
  uint32_t* uses = calloc(ID_MIN, sizeof(uint32_t));
  uint32_t* index = calloc(ID_INDEX_MIN, sizeof(uint32_t));
  if (!ids || !uses || !index) {
    free(ids);
    free(uses);
    free(index);
    memset(t->index, 0, (size_t)(t->mask + 1) * sizeof(uint32_t));
    t->next = 1;
    t->free_head = 0;
    t->size = 0;
    return;
  }
  ids_free(t);
  t->ids = ids;
  t->uses = uses;
  t->index = index;
  t->mask = ID_INDEX_MIN - 1;
  t->next = 1;
  t->cap = ID_MIN;
}

/* One record fewer uses `ref`; the id goes when none does. */
static void ids_release(ids_t* t, uint32_t ref, uint32_t salt) {
  if (--t->uses[ref] > 0) return;
  const uint32_t mask = t->mask;
  uint32_t* index = t->index;
  uint32_t i = hash_id(t->ids + (size_t)ref * SS_ID_LENGTH, salt) & mask;
  while (index[i] != ref) i = (i + 1) & mask;
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    uint32_t v = index[j];
    if (v == 0) break;
    uint32_t k = hash_id(t->ids + (size_t)v * SS_ID_LENGTH, salt) & mask;
    int movable = i <= j ? (k <= i || k > j) : (k <= i && k > j);
    if (movable) {
      index[i] = v;
      i = j;
    }
  }
  index[i] = 0;
  t->uses[ref] = t->free_head;
  t->free_head = ref;
  if (--t->size == 0) ids_reset(t);
}

/* ---------------------------------------------------------------- arenas (PeerArena, ArenaIndex) */

static inline uint32_t page_bytes(const arena_t* a, uint32_t cap) {
  return (cap * (12u + a->addr_len) + 7u) & ~7u;
}

static inline uint32_t* row(const arena_t* a, uint32_t slot) {
  return (uint32_t*)a->pages[slot >> PAGE_SHIFT] + (slot & PAGE_MASK) * 3;
}

static inline uint8_t* addr(const arena_t* a, uint32_t slot) {
  return a->pages[slot >> PAGE_SHIFT] + 12u * a->cap + (slot & PAGE_MASK) * a->addr_len;
}

static inline uint32_t ref_at(const arena_t* a, uint32_t slot) { return row(a, slot)[0]; }

static double arena_bytes(const arena_t* a) {
  if (a == NULL || a->npages == 0) return 0;
  return (double)a->npages * page_bytes(a, a->cap) + (double)a->isize * (a->wide ? 4 : 2);
}

/* Makes `a` (zeroed) an arena with its first page of 2 records: 0, or -1 out of memory. */
static int arena_init(arena_t* a, int v6) {
  memset(a, 0, sizeof *a);
  a->addr_len = v6 ? 18 : 6;
  a->cap = FIRST_CAPACITIES[0];
  uint8_t* page = malloc(page_bytes(a, a->cap));
  if (!page) return -1;
  a->one = page;
  a->pages = &a->one;
  a->room = 1;
  a->npages = 1;
  return 0;
}

static void arena_release(arena_t* a) {
  if (a->npages == 0) return;
  for (uint32_t p = 0; p < a->npages; p++) free(a->pages[p]);
  if (a->pages != &a->one) free(a->pages);
  free(a->index);
  memset(a, 0, sizeof *a);
}

static inline uint32_t ix_hash(uint32_t ref, uint32_t salt) { return (ref ^ salt) * 0x9e3779b1u; }
static inline uint32_t ix_home(const arena_t* a, uint32_t hash) {
  return (uint32_t)(((uint64_t)hash * a->isize) >> 32);
}
static inline uint32_t ix_tag(const arena_t* a, uint32_t hash) { return (hash >> 8) & a->tag_mask; }
static inline uint32_t ix_get(const arena_t* a, uint32_t i) {
  return a->wide ? ((const uint32_t*)a->index)[i] : ((const uint16_t*)a->index)[i];
}
static inline void ix_set(arena_t* a, uint32_t i, uint32_t v) {
  if (a->wide)
    ((uint32_t*)a->index)[i] = v;
  else
    ((uint16_t*)a->index)[i] = (uint16_t)v;
}

static void ix_insert(arena_t* a, uint32_t slot, uint32_t ref, uint32_t salt) {
  uint32_t hash = ix_hash(ref, salt);
  uint32_t i = ix_home(a, hash);
  while (ix_get(a, i) != 0) i = i + 1 == a->isize ? 0 : i + 1;
  ix_set(a, i, (ix_tag(a, hash) << a->slot_bits) | (slot + 1));
}

static void ix_delete(arena_t* a, uint32_t slot, uint32_t ref, uint32_t salt) {
  const uint32_t size = a->isize;
  const uint32_t mask = a->slot_mask;
  uint32_t i = ix_home(a, ix_hash(ref, salt));
  while ((ix_get(a, i) & mask) != slot + 1) i = i + 1 == size ? 0 : i + 1;
  uint32_t j = i;
  for (;;) {
    j = j + 1 == size ? 0 : j + 1;
    uint32_t v = ix_get(a, j);
    if (v == 0) break;
    uint32_t k = ix_home(a, ix_hash(ref_at(a, (v & mask) - 1), salt));
    int movable = i <= j ? (k <= i || k > j) : (k <= i && k > j);
    if (movable) {
      ix_set(a, i, v);
      i = j;
    }
  }
  ix_set(a, i, 0);
}

/* The index sized for `count` records at the rebuild load and refilled from the rows: 0, or -1 (index as it was). */
static int ix_rebuild(arena_t* a, uint32_t count, uint32_t salt) {
  /* max(1, ceil(count / 0.65 / CHUNK)), as arena-index.ts */
  double exact = (double)count / 0.65 / CHUNK;
  uint64_t chunks = (uint64_t)exact;
  if ((double)chunks < exact) chunks++;
  if (chunks == 0) chunks = 1;
  uint64_t size = chunks * CHUNK;
  if (size > 0x7fffffffu) return -1;
  uint64_t most = (uint64_t)((double)size * 0.85);
  int bits = most <= 0xfff ? NARROW_SLOT_BITS : most <= 0xffffff ? WIDE_SLOT_BITS : HUGE_SLOT_BITS;
  int wide = bits != NARROW_SLOT_BITS;
  void* index = calloc(size, wide ? 4 : 2);
  if (!index) return -1;
  free(a->index);
  a->index = index;
  a->isize = (uint32_t)size;
  a->wide = (uint8_t)wide;
  a->slot_bits = (uint8_t)bits;
  a->slot_mask = bits == HUGE_SLOT_BITS ? 0x7fffffffu : (1u << bits) - 1;
  a->tag_mask = (1u << ((wide ? 32 : 16) - bits)) - 1;
  for (uint32_t s = 0; s < a->count; s++) ix_insert(a, s, ref_at(a, s), salt);
  return 0;
}

static void ix_drop(arena_t* a) {
  free(a->index);
  a->index = NULL;
  a->isize = 0;
  a->wide = 0;
}

/* Moves the single page's records into a page of `cap` (≥ count): 0, or -1 (as it was). */
static int resize_first(arena_t* a, uint32_t cap) {
  uint8_t* next = malloc(page_bytes(a, cap));
  if (!next) return -1;
  uint8_t* old = a->pages[0];
  uint32_t n = a->count < cap ? a->count : cap;
  memcpy(next, old, (size_t)n * 12);
  memcpy(next + 12u * cap, old + 12u * a->cap, (size_t)n * a->addr_len);
  free(old);
  a->pages[0] = next;
  a->cap = cap;
  return 0;
}

/* Room for one more record (page and index): 0, or -1 out of memory (nothing changed that matters). */
static int arena_reserve(arena_t* a, uint32_t salt) {
  if (a->count == a->npages * a->cap) {
    if (a->npages == 1 && a->cap < PAGE) {
      uint32_t cap = a->cap * FIRST_GROWTH;
      if (resize_first(a, cap < PAGE ? cap : PAGE) != 0) return -1;
    } else {
      if (a->npages >= (0xffffffffu >> PAGE_SHIFT)) return -1;
      if (a->npages == a->room) {
        uint32_t room = a->room < 4 ? 4 : a->room * 2;
        uint8_t** pages = malloc((size_t)room * sizeof *pages);
        if (!pages) return -1;
        memcpy(pages, a->pages, (size_t)a->npages * sizeof *pages);
        if (a->pages != &a->one) free(a->pages);
        a->pages = pages;
        a->room = room;
      }
      uint8_t* page = malloc(page_bytes(a, PAGE));
      if (!page) return -1;
      a->pages[a->npages++] = page;
    }
  }
  uint32_t next = a->count + 1;
  if (a->index == NULL ? next > LINEAR_MAX : (double)next > a->isize * 0.85)
    if (ix_rebuild(a, next, salt) != 0) return -1;
  return 0;
}

/* Appends a record for `ref` (after arena_reserve) and returns its slot. */
static uint32_t arena_add(arena_t* a, uint32_t ref, uint32_t salt) {
  uint32_t slot = a->count++;
  row(a, slot)[0] = ref;
  if (a->index) ix_insert(a, slot, ref, salt);
  return slot;
}

/* Removes the record in `slot`, moving the last record into it. */
static void arena_remove(arena_t* a, uint32_t slot, uint32_t salt) {
  if (a->index) ix_delete(a, slot, ref_at(a, slot), salt);
  uint32_t last = a->count - 1;
  if (slot != last) {
    if (a->index) ix_delete(a, last, ref_at(a, last), salt);
    memcpy(row(a, slot), row(a, last), 12);
    memcpy(addr(a, slot), addr(a, last), a->addr_len);
    if (a->index) ix_insert(a, slot, ref_at(a, slot), salt);
  }
  a->count--;
}

/* Gives back spare room after peers left: whole empty pages, a mostly empty single page, the index. */
static void arena_trim(arena_t* a, uint32_t salt) {
  uint32_t needed = (a->count + PAGE - 1) / PAGE;
  if (needed == 0) needed = 1;
  while (a->npages > needed) free(a->pages[--a->npages]);
  if (a->npages == 1) {
    if (a->pages != &a->one) {
      a->one = a->pages[0];
      free(a->pages);
      a->pages = &a->one;
      a->room = 1;
    }
    uint32_t fit = PAGE;
    for (size_t i = 0; i < sizeof FIRST_CAPACITIES / sizeof FIRST_CAPACITIES[0]; i++)
      if (FIRST_CAPACITIES[i] >= a->count * 2) {
        fit = FIRST_CAPACITIES[i];
        break;
      }
    if (fit < a->cap) resize_first(a, fit);
  }
  if (a->index) {
    if (a->count <= LINEAR_BACK)
      ix_drop(a);
    else if ((double)a->count < a->isize * (0.65 / 2))
      ix_rebuild(a, a->count, salt);
  }
}

static inline int same_address(const arena_t* a, uint32_t slot, const uint8_t* ip) {
  const uint8_t* p = addr(a, slot);
  return a->addr_len == 6 ? memcmp(p, ip + 12, 4) == 0 : memcmp(p, ip, 16) == 0;
}

/* Walks the records of `ref`: the slot of the one at `ip` (same family) or -1; how many, the last keyed one. */
static int64_t arena_scan(const arena_t* a, uint32_t ref, const uint8_t* ip, int same_family, uint32_t salt,
                          uint32_t* same, int64_t* keyed) {
  if (a->index == NULL) {
    for (uint32_t slot = 0; slot < a->count; slot++) {
      const uint32_t* r = row(a, slot);
      if (r[0] != ref) continue;
      if (same_family && same_address(a, slot, ip)) return slot;
      if ((r[2] >> 28) & FLAG_HAS_KEY) *keyed = slot;
      (*same)++;
    }
    return -1;
  }
  const uint32_t size = a->isize;
  const uint32_t hash = ix_hash(ref, salt);
  const uint32_t tag = ix_tag(a, hash);
  const uint32_t mask = a->slot_mask;
  uint32_t i = ix_home(a, hash);
  for (;;) {
    uint32_t v = ix_get(a, i);
    if (v == 0) return -1;
    uint32_t slot = (v & mask) - 1;
    if (v >> a->slot_bits == tag) {
      const uint32_t* r = row(a, slot);
      if (r[0] == ref) {
        if (same_family && same_address(a, slot, ip)) return slot;
        if ((r[2] >> 28) & FLAG_HAS_KEY) *keyed = slot;
        (*same)++;
      }
    }
    i = i + 1 == size ? 0 : i + 1;
  }
}

/* ---------------------------------------------------------------- swarms */

static inline arena_t* existing(swarm_t* s, int n) {
  if (n == 0) return s->a0.npages ? &s->a0 : NULL;
  return s->a[n - 1];
}

static double swarm_bytes(swarm_t* s) {
  double b = 0;
  for (int n = 0; n < 4; n++) b += arena_bytes(existing(s, n));
  return b;
}

static void swarm_free(swarm_t* s) {
  arena_release(&s->a0);
  for (int n = 0; n < 3; n++) {
    if (s->a[n]) {
      arena_release(s->a[n]);
      free(s->a[n]);
    }
  }
  free(s);
}

static inline int is_mapped_v4(const uint8_t* ip) {
  static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(ip, prefix, 12) == 0;
}

/* Packed location: slot * 4 + arena (≥ 0), or a MATCH_* value. */
static int64_t swarm_match(swarm_t* s, uint32_t ref, const uint8_t* ip, const ss_update_t* u, uint32_t salt) {
  if (ref == 0) return MATCH_NONE;
  int v6 = !is_mapped_v4(ip);
  int64_t keyed = -1;
  uint32_t same = 0;
  for (int n = 0; n < 4; n++) {
    arena_t* a = existing(s, n);
    if (a == NULL || a->count == 0) continue;
    int64_t k = -1;
    int64_t exact = arena_scan(a, ref, ip, ((n & 1) == 1) == v6, salt, &same, &k);
    if (exact >= 0) return exact * 4 + n;
    if (k >= 0) keyed = k * 4 + n;
  }
  if (keyed >= 0) {
    arena_t* a = existing(s, (int)(keyed & 3));
    uint32_t key = row(a, (uint32_t)(keyed >> 2))[1];
    return u->has_key && u->key == key ? keyed : MATCH_KEY_MISMATCH;
  }
  return same >= MAX_ADDRESSES_PER_ID ? MATCH_CROWDED : MATCH_NONE;
}

/* ---------------------------------------------------------------- the info-hash table */

static inline uint32_t rd32(const uint8_t* b) {
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint32_t table_home(const ss_store_t* st, const uint8_t* k, uint32_t mask) {
  uint32_t h = st->salt;
  h = (h ^ rd32(k)) * 0x9e3779b1u;
  h = (h ^ (h >> 15) ^ rd32(k + 4)) * 0x85ebca6bu;
  h = (h ^ (h >> 13) ^ rd32(k + 8)) * 0xc2b2ae35u;
  h = (h ^ (h >> 16) ^ rd32(k + 12)) * 0x9e3779b1u;
  h = (h ^ (h >> 15) ^ rd32(k + 16)) * 0x85ebca6bu;
  return (h ^ (h >> 16)) & mask;
}

/* Entry holding `hash`, or the free entry where it would go. */
static uint32_t table_find(const ss_store_t* st, const uint8_t* hash) {
  uint32_t i = table_home(st, hash, st->mask);
  for (;;) {
    const entry_t* e = &st->table[i];
    if (e->swarm == NULL || memcmp(e->hash, hash, SS_HASH_LENGTH) == 0) return i;
    i = (i + 1) & st->mask;
  }
}

static int table_resize(ss_store_t* st, uint32_t size) {
  entry_t* table = calloc(size, sizeof(entry_t));
  if (!table) return -1;
  entry_t* old = st->table;
  uint32_t old_size = st->mask + 1;
  for (uint32_t i = 0; i < old_size; i++) {
    if (old[i].swarm == NULL) continue;
    uint32_t j = table_home(st, old[i].hash, size - 1);
    while (table[j].swarm != NULL) j = (j + 1) & (size - 1);
    table[j] = old[i];
  }
  free(old);
  st->table = table;
  st->mask = size - 1;
  return 0;
}

/* Backward-shift deletion of entry `i`. */
static void table_delete_at(ss_store_t* st, uint32_t i) {
  const uint32_t mask = st->mask;
  entry_t* t = st->table;
  uint32_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (t[j].swarm == NULL) break;
    uint32_t home = table_home(st, t[j].hash, mask);
    int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (stays) continue;
    t[i] = t[j];
    i = j;
  }
  t[i].swarm = NULL;
  st->torrents--;
}

static void table_shrink(ss_store_t* st) {
  if (st->mask + 1 > TABLE_MIN && (uint64_t)st->torrents * 8 < st->mask + 1) table_resize(st, (st->mask + 1) / 2);
}

/* ---------------------------------------------------------------- the store */

ss_store_t* ss_create(uint32_t ttl_seconds, uint32_t salt) {
  ss_store_t* st = calloc(1, sizeof *st);
  if (!st) return NULL;
  st->ttl = ttl_seconds;
  st->salt = salt;
  st->base = UINT32_MAX;
  uint32_t seed = 0;
  if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
    seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)st ^ salt;
  st->rng = seed ? seed : 0x9e3779b9u;
  st->table = calloc(TABLE_MIN, sizeof(entry_t));
  if (!st->table || ids_init(&st->ids) != 0) {
    free(st->table);
    free(st);
    return NULL;
  }
  st->mask = TABLE_MIN - 1;
  return st;
}

void ss_clear(ss_store_t* st) {
  for (uint32_t i = 0; i <= st->mask; i++)
    if (st->table[i].swarm) swarm_free(st->table[i].swarm);
  entry_t* small = calloc(TABLE_MIN, sizeof(entry_t));
  if (small) {
    free(st->table);
    st->table = small;
    st->mask = TABLE_MIN - 1;
  } else {
    memset(st->table, 0, (size_t)(st->mask + 1) * sizeof(entry_t));
  }
  st->torrents = st->seeders = st->leechers = 0;
  st->bytes = 0;
  ids_reset(&st->ids);
}

void ss_destroy(ss_store_t* st) {
  if (!st) return;
  ss_clear(st);
  free(st->table);
  ids_free(&st->ids);
  free(st);
}

void ss_set_epoch_ms(ss_store_t* st, double epoch_ms) { st->epoch_ms = epoch_ms; }
double ss_epoch_ms(const ss_store_t* st) { return st->epoch_ms; }

/* Seconds since the first `now` seen (expiries are kept in 28 bits from there). */
static uint32_t relative(ss_store_t* st, uint32_t now) {
  if (st->base == UINT32_MAX) st->base = now;
  return now >= st->base ? now - st->base : 0;
}

static inline void adjust(ss_store_t* st, swarm_t* s, int seeders, int leechers) {
  s->seeders += (uint32_t)seeders;
  s->leechers += (uint32_t)leechers;
  st->seeders += (uint32_t)seeders;
  st->leechers += (uint32_t)leechers;
}

static void remove_at(ss_store_t* st, swarm_t* s, arena_t* a, uint32_t slot) {
  const uint32_t* r = row(a, slot);
  if ((r[2] >> 28) & FLAG_SEEDER)
    adjust(st, s, -1, 0);
  else
    adjust(st, s, 0, -1);
  ids_release(&st->ids, r[0], st->salt);
  arena_remove(a, slot, st->salt);
  s->count--;
}

static void drop_swarm(ss_store_t* st, uint32_t entry) {
  swarm_t* s = st->table[entry].swarm;
  st->bytes -= swarm_bytes(s);
  swarm_free(s);
  table_delete_at(st, entry);
  table_shrink(st);
}

static inline uint32_t random_below(ss_store_t* st, uint32_t n) {
  uint32_t x = st->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  st->rng = x;
  return (uint32_t)(((uint64_t)x * n) >> 32);
}

static inline uint32_t random_start(ss_store_t* st, uint32_t n) { return n > 1 ? random_below(st, n) : 0; }

/* Copies `want` records of `a` from `start` (wrapping, skipping `self`): address runs and/or ids. */
static void take_run(const ss_store_t* st, const arena_t* a, uint32_t start, uint32_t want, int64_t self,
                     uint8_t* compact, uint8_t* ids_out) {
  const uint32_t n = a->count;
  const uint32_t w = a->addr_len;
  uint32_t k = 0;
  uint32_t j = start;
  while (k < want) {
    if (j >= n) j = 0;
    if ((int64_t)j == self) {
      j++;
      continue;
    }
    uint32_t end = (j | PAGE_MASK) + 1;
    if (end > n) end = n;
    if (self > (int64_t)j && self < (int64_t)end) end = (uint32_t)self;
    uint32_t take = end - j;
    if (take > want - k) take = want - k;
    if (compact) memcpy(compact + (size_t)k * w, addr(a, j), (size_t)take * w);
    if (ids_out)
      for (uint32_t t = 0; t < take; t++)
        memcpy(ids_out + (size_t)(k + t) * SS_ID_LENGTH, st->ids.ids + (size_t)ref_at(a, j + t) * SS_ID_LENGTH,
               SS_ID_LENGTH);
    k += take;
    j += take;
  }
}

static uint32_t available(swarm_t* s, int n, int self_arena, int64_t self) {
  arena_t* a = existing(s, n);
  if (a == NULL) return 0;
  return a->count - (n == self_arena && self >= 0 ? 1 : 0);
}

static void select_peers(ss_store_t* st, swarm_t* s, int self_arena, int64_t self, ss_select_t* sel, int ws) {
  const int base = ws ? 2 : 0;
  uint32_t have4 = sel->family == 6 ? 0 : available(s, base, self_arena, self);
  uint32_t have6 = sel->family == 4 ? 0 : available(s, base + 1, self_arena, self);
  uint64_t have = (uint64_t)have4 + have6;
  uint32_t want = sel->numwant < have ? sel->numwant : (uint32_t)have;
  if (want == 0) return;
  uint32_t want4;
  if (have6 == 0) {
    want4 = want;
  } else {
    /* Math.round(want * have4 / have), as peer-selection.ts */
    uint64_t r = ((uint64_t)want * have4 * 2 + have) / (have * 2);
    want4 = r < have4 ? (uint32_t)r : have4;
  }
  uint32_t want6 = want - want4 < have6 ? want - want4 : have6;
  for (int f = 0; f < 2; f++) {
    uint32_t w = f == 0 ? want4 : want6;
    arena_t* a = existing(s, base + f);
    if (a == NULL || w == 0) continue;
    int64_t me = base + f == self_arena ? self : -1;
    uint32_t start = random_start(st, a->count);
    if (ws) {
      if (!sel->ws_ids) continue;
      take_run(st, a, start, w, me, NULL, sel->ws_ids + (size_t)sel->got_ws * SS_ID_LENGTH);
      sel->got_ws += w;
    } else if (f == 0) {
      uint8_t* ids = sel->with_ids ? sel->ids4 : NULL;
      if (!sel->compact4 && !ids) continue;
      take_run(st, a, start, w, me, sel->compact4, ids);
      sel->got4 = w;
    } else {
      uint8_t* ids = sel->with_ids ? sel->ids6 : NULL;
      if (!sel->compact6 && !ids) continue;
      take_run(st, a, start, w, me, sel->compact6, ids);
      sel->got6 = w;
    }
  }
}

static inline void counts_of(const swarm_t* s, ss_counts_t* c) {
  c->complete = s->seeders;
  c->incomplete = s->leechers;
  c->downloaded = s->downloaded;
}

int ss_announce(ss_store_t* st, const ss_update_t* u, ss_select_t* sel, uint32_t now, ss_counts_t* counts) {
  sel->got4 = sel->got6 = sel->got_ws = 0;
  memset(counts, 0, sizeof *counts);
  const uint32_t salt = st->salt;
  uint32_t entry = table_find(st, u->info_hash);
  swarm_t* s = st->table[entry].swarm;
  int created = 0;
  if (s == NULL) {
    if (u->remove) return SS_OK;
    if ((uint64_t)(st->torrents + 1) * 2 > st->mask + 1) {
      if (st->mask >= 0x7fffffffu || table_resize(st, (st->mask + 1) * 2) != 0) return SS_NO_MEMORY;
      entry = table_find(st, u->info_hash);
    }
    s = calloc(1, sizeof *s);
    if (!s) return SS_NO_MEMORY;
    memcpy(st->table[entry].hash, u->info_hash, SS_HASH_LENGTH);
    st->table[entry].swarm = s;
    st->torrents++;
    created = 1;
  }
  int64_t found = swarm_match(s, ids_lookup(&st->ids, u->peer_id, salt), u->ip, u, salt);
  if (found == MATCH_KEY_MISMATCH) return SS_KEY_MISMATCH; /* not for a new swarm: it has no records */
  if (found == MATCH_CROWDED) {
    if (u->remove) {
      counts_of(s, counts);
      return SS_OK;
    }
    return SS_PEER_ID_CROWDED;
  }
  if (u->remove) {
    if (found >= 0) remove_at(st, s, existing(s, (int)(found & 3)), (uint32_t)(found >> 2));
    counts_of(s, counts);
    if (s->count == 0) drop_swarm(st, table_find(st, u->info_hash));
    return SS_OK;
  }
  const int v6 = !is_mapped_v4(u->ip);
  const int target = (u->ws ? 2 : 0) | (v6 ? 1 : 0);
  arena_t* arena = existing(s, target);
  if (arena == NULL) {
    if (target == 0) {
      if (arena_init(&s->a0, 0) != 0) goto no_memory;
      arena = &s->a0;
    } else {
      arena_t* made = malloc(sizeof *made);
      if (!made) goto no_memory;
      if (arena_init(made, target & 1) != 0) {
        free(made);
        goto no_memory;
      }
      s->a[target - 1] = made;
      arena = made;
    }
    st->bytes += arena_bytes(arena);
  }
  int was_seeder = 0;
  int64_t slot = -1;
  int moving = 0;
  if (found >= 0) {
    arena_t* from = existing(s, (int)(found & 3));
    was_seeder = (row(from, (uint32_t)(found >> 2))[2] >> 28) & FLAG_SEEDER;
    if ((found & 3) == target)
      slot = found >> 2;
    else
      moving = 1;
  }
  if (slot < 0) {
    /* Everything that can fail, before anything changes. */
    double before = arena_bytes(arena);
    int reserved = arena_reserve(arena, salt);
    st->bytes += arena_bytes(arena) - before;
    if (reserved != 0 || ids_reserve(&st->ids, salt) != 0) goto no_memory;
    if (moving) remove_at(st, s, existing(s, (int)(found & 3)), (uint32_t)(found >> 2));
    slot = arena_add(arena, ids_acquire(&st->ids, u->peer_id, salt), salt);
    s->count++;
    if (u->seeder)
      adjust(st, s, 1, 0);
    else
      adjust(st, s, 0, 1);
  } else if (was_seeder != (u->seeder != 0)) {
    adjust(st, s, u->seeder ? 1 : -1, u->seeder ? -1 : 1);
  }
  if (u->completed && !was_seeder) s->downloaded++;
  uint32_t* r = row(arena, (uint32_t)slot);
  uint8_t* p = addr(arena, (uint32_t)slot);
  if (arena->addr_len == 6) {
    memcpy(p, u->ip + 12, 4);
    p[4] = (uint8_t)(u->port >> 8);
    p[5] = (uint8_t)u->port;
  } else {
    memcpy(p, u->ip, 16);
    p[16] = (uint8_t)(u->port >> 8);
    p[17] = (uint8_t)u->port;
  }
  uint32_t flags = (u->seeder ? FLAG_SEEDER : 0) | (u->has_key ? FLAG_HAS_KEY : 0);
  r[1] = u->has_key ? u->key : 0;
  r[2] = (flags << 28) | ((relative(st, now) + st->ttl) & EXPIRES_MASK);
  counts_of(s, counts);
  select_peers(st, s, target, slot, sel, u->ws);
  return SS_OK;

no_memory:
  if (created && s->count == 0) drop_swarm(st, table_find(st, u->info_hash));
  return SS_NO_MEMORY;
}

void ss_scrape(ss_store_t* st, const uint8_t* info_hash, ss_counts_t* counts) {
  swarm_t* s = st->table[table_find(st, info_hash)].swarm;
  if (s)
    counts_of(s, counts);
  else
    memset(counts, 0, sizeof *counts);
}

uint32_t ss_sweep(ss_store_t* st, uint32_t now) {
  const uint32_t rel = relative(st, now);
  const uint32_t salt = st->salt;
  uint32_t removed = 0;
  uint32_t emptied = 0;
  for (uint32_t i = 0; i <= st->mask; i++) {
    swarm_t* s = st->table[i].swarm;
    if (s == NULL) continue;
    double before = swarm_bytes(s);
    for (int n = 0; n < 4; n++) {
      arena_t* a = existing(s, n);
      if (a == NULL) continue;
      for (uint32_t slot = a->count; slot-- > 0;) {
        if ((row(a, slot)[2] & EXPIRES_MASK) <= rel) {
          remove_at(st, s, a, slot);
          removed++;
        }
      }
    }
    if (s->count == 0) {
      emptied++;
    } else {
      for (int n = 0; n < 4; n++) {
        arena_t* a = existing(s, n);
        if (a) arena_trim(a, salt);
      }
    }
    st->bytes += swarm_bytes(s) - before;
  }
  /* Emptied swarms go after the walk. A deletion shifts later entries of its chain back into the hole (never
   * past an entry already looked at but for a chain that wraps), so the walk stays on an entry until it holds a
   * live swarm, and a second walk catches what a wrapped chain moved behind it. */
  for (int pass = 0; pass < 2 && emptied > 0; pass++) {
    for (uint32_t i = 0; i <= st->mask && emptied > 0;) {
      swarm_t* s = st->table[i].swarm;
      if (s != NULL && s->count == 0) {
        st->bytes -= swarm_bytes(s);
        swarm_free(s);
        table_delete_at(st, i);
        emptied--;
      } else {
        i++;
      }
    }
  }
  table_shrink(st);
  while (st->mask + 1 > TABLE_MIN && (uint64_t)st->torrents * 8 < st->mask + 1) {
    uint32_t size = st->mask + 1;
    table_shrink(st);
    if (st->mask + 1 == size) break;
  }
  return removed;
}

void ss_totals(const ss_store_t* st, ss_totals_t* out) {
  out->torrents = st->torrents;
  out->seeders = st->seeders;
  out->leechers = st->leechers;
  out->peer_bytes = st->torrents == 0 ? 0 : st->bytes + ids_bytes(&st->ids);
}

void ss_each(const ss_store_t* st, ss_visit_fn visit, void* ctx) {
  for (uint32_t i = 0; i <= st->mask; i++) {
    const swarm_t* s = st->table[i].swarm;
    if (s == NULL) continue;
    ss_counts_t c;
    counts_of(s, &c);
    if (visit(ctx, st->table[i].hash, &c)) return;
  }
}
