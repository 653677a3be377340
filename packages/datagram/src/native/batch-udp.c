/*
 * Batched UDP sockets for Node.js (Linux): recvmmsg(2) / sendmmsg(2) behind libuv poll handles.
 *
 * One receive arena per JavaScript environment. Every readable socket drains into it during libuv's poll
 * phase; a check handle (which runs right after the poll phase) then calls JavaScript once with the number of
 * datagrams waiting, whichever sockets they came from. Sends are queued by JavaScript into a send arena and
 * handed over with one flush() call, which groups consecutive datagrams of one socket into one sendmmsg(2).
 *
 * The arenas are ArrayBuffers shared with JavaScript; the metadata layout (32 bytes per datagram) is:
 *   u32[0] socket id   u32[1] length   u32[2] port   u32[3] family (4 or 6) | truncated << 8
 *   bytes 16..31: the address (IPv4 in the first 4 bytes; IPv4-mapped IPv6 sources are reported as IPv4).
 * Received datagram i starts at i * SLOT_BYTES of the receive arena; queued datagrams are packed back to back.
 *
 * flush() marks each datagram it could not send with bit 16 of u32[3] of its metadata.
 *
 * Contract with JavaScript: the receive arena is overwritten after the callback returns, so a datagram that
 * must outlive the callback is copied there. Sends that fail (EAGAIN on a full socket buffer, an address the
 * socket cannot reach, a closed socket) are dropped and counted, as UDP allows.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uv.h>

#include "datagram-handler.h"

#define RECV_SLOTS 64
#define SLOT_BYTES 65536
#define META_BYTES 32
#define SEND_SLOTS 1024
#define SEND_BYTES (4 * 1024 * 1024)
/* Socket ids: a table index in the low 20 bits, a generation above, so a closed socket's id is not reused soon. */
#define INDEX_BITS 20
#define INDEX_MASK ((1u << INDEX_BITS) - 1)
#define MAX_SOCKETS (1u << INDEX_BITS)
/* recvmmsg rounds per readable event before other sockets get their turn. */
#define MAX_ROUNDS 4

/* Set by flush() in u32[3] of a queued datagram that could not be sent. */
#define SEND_FAILED (1u << 16)

#define FLAG_REUSEPORT 1
#define FLAG_IPV6ONLY 2

typedef struct state state_t;

typedef struct sock {
  uv_poll_t poll;
  int fd;
  int family; /* AF_INET or AF_INET6 */
  uint32_t id;
  state_t* st;
  /* A C handler offered each datagram first (attachNativeHandler), and the reference keeping it alive. */
  const sb_datagram_handler_t* handler;
  napi_ref handler_ref;
} sock_t;

struct state {
  napi_env env;
  uv_loop_t* loop;
  napi_ref callback;
  napi_ref resource;
  napi_async_context async;
  uv_check_t check;
  int check_active;
  uint8_t* recv_data;
  uint32_t* recv_meta;
  uint8_t* send_data;
  uint32_t* send_meta;
  napi_ref buffers[4];
  uint32_t pending;
  sock_t** table;
  uint32_t table_size;
  uint32_t free_hint;
  uint32_t generation;
  struct mmsghdr rmsgs[RECV_SLOTS];
  struct iovec riov[RECV_SLOTS];
  struct sockaddr_in6 raddr[RECV_SLOTS];
  struct mmsghdr smsgs[SEND_SLOTS];
  struct iovec siov[SEND_SLOTS];
  struct sockaddr_in6 saddr[SEND_SLOTS];
  uint32_t sorigin[SEND_SLOTS];
  /* Replies of native handlers, sent at the end of each receive round (allocated on first attach). */
  uint8_t* reply_data;
  struct mmsghdr qmsgs[RECV_SLOTS];
  struct iovec qiov[RECV_SLOTS];
  struct sockaddr_in6 qaddr[RECV_SLOTS];
  /* Datagrams native handlers answered or consumed, and their replies the kernel refused. */
  double handled;
  double reply_failures;
};

#define CHECK(call)                                                    \
  do {                                                                 \
    if ((call) != napi_ok) {                                           \
      napi_throw_error(env, "ERR_DATAGRAM_NAPI", "N-API call failed"); \
      return NULL;                                                     \
    }                                                                  \
  } while (0)

static state_t* state_of(napi_env env) {
  void* data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return (state_t*)data;
}

static sock_t* lookup(state_t* st, uint32_t id) {
  uint32_t index = id & INDEX_MASK;
  if (index >= st->table_size) return NULL;
  sock_t* s = st->table[index];
  return s != NULL && s->id == id ? s : NULL;
}

/* ---- errors ------------------------------------------------------------------------------------------------ */

static void throw_errno(napi_env env, int err, const char* syscall, const char* address, uint32_t port) {
  const char* code = uv_err_name(uv_translate_sys_error(err));
  char message[256];
  snprintf(message, sizeof message, "%s %s %s:%u", syscall, code, address, port);
  napi_value code_v, message_v, error, v;
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &message_v);
  napi_create_error(env, code_v, message_v, &error);
  napi_create_int32(env, -err, &v);
  napi_set_named_property(env, error, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, error, "syscall", v);
  napi_create_string_utf8(env, address, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, error, "address", v);
  napi_create_uint32(env, port, &v);
  napi_set_named_property(env, error, "port", v);
  napi_throw(env, error);
}

/* The two system calls made straight: glibc's wrappers are thread-cancellation points, which costs two calls
 * (pthread async-cancel enable/disable) around each, and no thread ever cancels the event loop's. */
static int recv_batch(int fd, struct mmsghdr* msgs, unsigned int n) {
  return (int)syscall(SYS_recvmmsg, fd, msgs, n, MSG_DONTWAIT, NULL);
}

static int send_batch(int fd, struct mmsghdr* msgs, unsigned int n) {
  return (int)syscall(SYS_sendmmsg, fd, msgs, n, MSG_DONTWAIT);
}

/* ---- receiving --------------------------------------------------------------------------------------------- */

/* Points receive header i at slot i of the arena and at address buffer i, once per environment. */
static void init_receive_headers(state_t* st) {
  for (uint32_t i = 0; i < RECV_SLOTS; i++) {
    st->riov[i].iov_base = st->recv_data + (size_t)i * SLOT_BYTES;
    st->riov[i].iov_len = SLOT_BYTES;
    memset(&st->rmsgs[i], 0, sizeof st->rmsgs[i]);
    st->rmsgs[i].msg_hdr.msg_iov = &st->riov[i];
    st->rmsgs[i].msg_hdr.msg_iovlen = 1;
    st->rmsgs[i].msg_hdr.msg_name = &st->raddr[i];
    st->rmsgs[i].msg_hdr.msg_namelen = sizeof st->raddr[i];
  }
}

static void deliver(state_t* st) {
  napi_env env = st->env;
  uint32_t count = st->pending;
  if (count == 0) return;
  st->pending = 0;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, resource, argv[1], result;
  if (napi_get_reference_value(env, st->callback, &cb) == napi_ok &&
      napi_get_reference_value(env, st->resource, &resource) == napi_ok &&
      napi_create_uint32(env, count, &argv[0]) == napi_ok) {
    napi_status status = napi_make_callback(env, st->async, resource, cb, 1, argv, &result);
    if (status == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void on_check(uv_check_t* handle) {
  state_t* st = (state_t*)handle->data;
  uv_check_stop(&st->check);
  st->check_active = 0;
  deliver(st);
}

static void record(state_t* st, sock_t* s, uint32_t slot) {
  struct mmsghdr* m = &st->rmsgs[slot];
  uint32_t* meta = st->recv_meta + slot * (META_BYTES / 4);
  uint8_t* addr = (uint8_t*)(meta + 4);
  const struct sockaddr* sa = (const struct sockaddr*)&st->raddr[slot];
  uint32_t truncated = (m->msg_hdr.msg_flags & MSG_TRUNC) ? 1u : 0u;
  /* Of a receive header, the kernel rewrites only msg_namelen (msg_flags is output only): ready it for the next
   * recvmmsg here, so the 64 headers need no set-up per wake-up. */
  m->msg_hdr.msg_namelen = sizeof st->raddr[slot];
  meta[0] = s->id;
  meta[1] = m->msg_len;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in* a = (const struct sockaddr_in*)sa;
    meta[2] = ntohs(a->sin_port);
    meta[3] = 4u | truncated << 8;
    memcpy(addr, &a->sin_addr, 4);
  } else {
    const struct sockaddr_in6* a = (const struct sockaddr_in6*)sa;
    meta[2] = ntohs(a->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
      meta[3] = 4u | truncated << 8;
      memcpy(addr, &a->sin6_addr.s6_addr[12], 4);
    } else {
      meta[3] = 6u | truncated << 8;
      memcpy(addr, &a->sin6_addr, 16);
    }
  }
}

/* Sends the first `count` replies native handlers queued for socket `s`; a refused one is dropped and counted. */
static void send_replies(state_t* st, sock_t* s, uint32_t count) {
  uint32_t k = 0;
  while (k < count) {
    int n = send_batch(s->fd, &st->qmsgs[k], count - k);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      st->reply_failures++;
      k++;
    } else {
      k += (uint32_t)n;
    }
  }
}

/*
 * Offers received slots [first, first + n) of socket `s` to its native handler: answered ones are done with (their
 * replies sent before this returns), the others are moved down to stay contiguous from `first` and recorded for
 * JavaScript. → the new number of pending slots.
 */
static uint32_t offer(state_t* st, sock_t* s, uint32_t first, uint32_t n) {
  const sb_datagram_handler_t* h = s->handler;
  uint32_t kept = first;
  uint32_t replies = 0;
  for (uint32_t i = first; i < first + n; i++) {
    struct mmsghdr* m = &st->rmsgs[i];
    uint8_t* data = st->recv_data + (size_t)i * SLOT_BYTES;
    if ((m->msg_hdr.msg_flags & MSG_TRUNC) == 0) {
      uint8_t* reply = st->reply_data + (size_t)replies * SB_DATAGRAM_REPLY_BYTES;
      int32_t r = h->handle(h->ctx, data, m->msg_len, (const struct sockaddr*)&st->raddr[i], m->msg_hdr.msg_namelen,
                            reply, SB_DATAGRAM_REPLY_BYTES);
      if (r >= 0) {
        st->handled++;
        if (r > 0 && r <= SB_DATAGRAM_REPLY_BYTES) {
          memcpy(&st->qaddr[replies], &st->raddr[i], m->msg_hdr.msg_namelen);
          st->qiov[replies].iov_base = reply;
          st->qiov[replies].iov_len = (size_t)r;
          memset(&st->qmsgs[replies].msg_hdr, 0, sizeof st->qmsgs[replies].msg_hdr);
          st->qmsgs[replies].msg_hdr.msg_iov = &st->qiov[replies];
          st->qmsgs[replies].msg_hdr.msg_iovlen = 1;
          st->qmsgs[replies].msg_hdr.msg_name = &st->qaddr[replies];
          st->qmsgs[replies].msg_hdr.msg_namelen = m->msg_hdr.msg_namelen;
          replies++;
        }
        m->msg_hdr.msg_namelen = sizeof st->raddr[i];
        continue;
      }
    }
    if (kept != i) {
      /* Rare (what the handler passes on): moved down so JavaScript still reads slots 0..pending-1. */
      struct mmsghdr* to = &st->rmsgs[kept];
      memcpy(st->recv_data + (size_t)kept * SLOT_BYTES, data, m->msg_len);
      st->raddr[kept] = st->raddr[i];
      to->msg_len = m->msg_len;
      to->msg_hdr.msg_flags = m->msg_hdr.msg_flags;
      to->msg_hdr.msg_namelen = m->msg_hdr.msg_namelen;
      m->msg_hdr.msg_namelen = sizeof st->raddr[i];
    }
    record(st, s, kept);
    kept++;
  }
  if (replies > 0) send_replies(st, s, replies);
  return kept;
}

static void on_readable(uv_poll_t* handle, int status, int events) {
  (void)events;
  sock_t* s = (sock_t*)handle->data;
  state_t* st = s->st;
  if (status < 0) return;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    if (st->pending == RECV_SLOTS) deliver(st);
    /* JavaScript may have closed this socket during delivery. */
    if (lookup(st, s->id) != s) return;
    uint32_t first = st->pending;
    uint32_t room = RECV_SLOTS - first;
    /* The headers were set up once (init_receive_headers) and are kept ready: see record(). */
    int n = recv_batch(s->fd, &st->rmsgs[first], room);
    if (n < 0) {
      if (errno == EINTR) continue;
      /* EAGAIN: drained. Anything else (an ICMP error queued on the socket) was consumed by this call. */
      break;
    }
    if (s->handler != NULL) {
      st->pending = offer(st, s, first, (uint32_t)n);
    } else {
      for (uint32_t i = first; i < first + (uint32_t)n; i++) record(st, s, i);
      st->pending += (uint32_t)n;
    }
    if ((uint32_t)n < room) break;
  }
  if (st->pending > 0 && !st->check_active) {
    st->check_active = 1;
    uv_check_start(&st->check, on_check);
  }
}

/* ---- sockets ----------------------------------------------------------------------------------------------- */

static int table_insert(state_t* st, sock_t* s) {
  for (uint32_t n = 0; n < st->table_size; n++) {
    uint32_t index = (st->free_hint + n) % st->table_size;
    if (st->table[index] == NULL) {
      st->table[index] = s;
      st->free_hint = index + 1;
      st->generation = (st->generation + 1) & ((1u << (32 - INDEX_BITS)) - 1);
      s->id = (st->generation << INDEX_BITS) | index;
      return 0;
    }
  }
  if (st->table_size >= MAX_SOCKETS) return -1;
  uint32_t size = st->table_size == 0 ? 64 : st->table_size * 2;
  sock_t** grown = (sock_t**)realloc(st->table, size * sizeof *grown);
  if (grown == NULL) return -1;
  memset(grown + st->table_size, 0, (size - st->table_size) * sizeof *grown);
  st->free_hint = st->table_size;
  st->table = grown;
  st->table_size = size;
  return table_insert(st, s);
}

static void on_poll_closed(uv_handle_t* handle) {
  sock_t* s = (sock_t*)handle->data;
  close(s->fd);
  free(s);
}

static void close_socket(state_t* st, sock_t* s) {
  st->table[s->id & INDEX_MASK] = NULL;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t*)&s->poll, on_poll_closed);
}

static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

/* open(family: 4|6, address: string, port, flags, recvBufferBytes, sendBufferBytes) → [id, boundPort] */
static napi_value js_open(napi_env env, napi_callback_info info) {
  state_t* st = state_of(env);
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (st == NULL || argc < 6) {
    napi_throw_type_error(env, "ERR_DATAGRAM_ARGS", "open(family, address, port, flags, rcvbuf, sndbuf)");
    return NULL;
  }
  uint32_t family, port, flags, rcvbuf, sndbuf;
  char address[INET6_ADDRSTRLEN + 1];
  size_t length = 0;
  CHECK(napi_get_value_uint32(env, argv[0], &family));
  CHECK(napi_get_value_string_utf8(env, argv[1], address, sizeof address, &length));
  CHECK(napi_get_value_uint32(env, argv[2], &port));
  CHECK(napi_get_value_uint32(env, argv[3], &flags));
  CHECK(napi_get_value_uint32(env, argv[4], &rcvbuf));
  CHECK(napi_get_value_uint32(env, argv[5], &sndbuf));
  if (port > 65535 || (family != 4 && family != 6)) {
    napi_throw_range_error(env, "ERR_DATAGRAM_ARGS", "bad family or port");
    return NULL;
  }
  struct sockaddr_in6 sa6;
  struct sockaddr_in sa4;
  memset(&sa6, 0, sizeof sa6);
  memset(&sa4, 0, sizeof sa4);
  int ok = family == 6 ? inet_pton(AF_INET6, address, &sa6.sin6_addr) : inet_pton(AF_INET, address, &sa4.sin_addr);
  if (ok != 1) {
    throw_errno(env, EINVAL, "bind", address, port);
    return NULL;
  }
  int af = family == 6 ? AF_INET6 : AF_INET;
  int fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, errno, "socket", address, port);
    return NULL;
  }
  const char* failed = NULL;
  if (af == AF_INET6 && set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, (flags & FLAG_IPV6ONLY) ? 1 : 0) != 0)
    failed = "setsockopt";
  else if ((flags & FLAG_REUSEPORT) && set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) != 0)
    failed = "setsockopt";
  else if (rcvbuf > 0 && set_int(fd, SOL_SOCKET, SO_RCVBUF, (int)rcvbuf) != 0)
    failed = "setsockopt";
  else if (sndbuf > 0 && set_int(fd, SOL_SOCKET, SO_SNDBUF, (int)sndbuf) != 0)
    failed = "setsockopt";
  else if (af == AF_INET6) {
    sa6.sin6_family = AF_INET6;
    sa6.sin6_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr*)&sa6, sizeof sa6) != 0) failed = "bind";
  } else {
    sa4.sin_family = AF_INET;
    sa4.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr*)&sa4, sizeof sa4) != 0) failed = "bind";
  }
  struct sockaddr_in6 bound;
  socklen_t bound_len = sizeof bound;
  if (failed == NULL && getsockname(fd, (struct sockaddr*)&bound, &bound_len) != 0) failed = "getsockname";
  if (failed != NULL) {
    int err = errno;
    close(fd);
    throw_errno(env, err, failed, address, port);
    return NULL;
  }
  sock_t* s = (sock_t*)calloc(1, sizeof *s);
  if (s == NULL || table_insert(st, s) != 0) {
    free(s);
    close(fd);
    throw_errno(env, ENOMEM, "open", address, port);
    return NULL;
  }
  s->fd = fd;
  s->family = af;
  s->st = st;
  s->poll.data = s;
  int rc = uv_poll_init(st->loop, &s->poll, fd);
  if (rc == 0) rc = uv_poll_start(&s->poll, UV_READABLE, on_readable);
  if (rc != 0) {
    st->table[s->id & INDEX_MASK] = NULL;
    close(fd);
    free(s);
    throw_errno(env, -rc, "uv_poll", address, port);
    return NULL;
  }
  uint32_t bound_port = ntohs(af == AF_INET6 ? bound.sin6_port : ((struct sockaddr_in*)&bound)->sin_port);
  napi_value out, v;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_uint32(env, s->id, &v));
  CHECK(napi_set_element(env, out, 0, v));
  CHECK(napi_create_uint32(env, bound_port, &v));
  CHECK(napi_set_element(env, out, 1, v));
  return out;
}

/* close(id): stops receiving at once; the descriptor is closed when libuv has let go of it. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  state_t* st = state_of(env);
  size_t argc = 1;
  napi_value argv[1];
  uint32_t id;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (st == NULL || argc < 1) return NULL;
  CHECK(napi_get_value_uint32(env, argv[0], &id));
  sock_t* s = lookup(st, id);
  if (s != NULL) {
    if (s->handler_ref != NULL) napi_delete_reference(env, s->handler_ref);
    s->handler_ref = NULL;
    s->handler = NULL;
    close_socket(st, s);
  }
  return NULL;
}

/* attachNativeHandler(id, handler: external | undefined) → whether the socket now has that handler (false: no such
 * open socket). The external's data is an sb_datagram_handler_t* of SB_DATAGRAM_HANDLER_ABI (else TypeError). */
static napi_value js_attach(napi_env env, napi_callback_info info) {
  state_t* st = state_of(env);
  size_t argc = 2;
  napi_value argv[2], result;
  uint32_t id;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (st == NULL || argc < 2) {
    napi_throw_type_error(env, "ERR_DATAGRAM_ARGS", "attachNativeHandler(id, handler)");
    return NULL;
  }
  CHECK(napi_get_value_uint32(env, argv[0], &id));
  napi_valuetype type;
  CHECK(napi_typeof(env, argv[1], &type));
  const sb_datagram_handler_t* handler = NULL;
  if (type == napi_external) {
    void* data = NULL;
    CHECK(napi_get_value_external(env, argv[1], &data));
    handler = (const sb_datagram_handler_t*)data;
    if (handler == NULL || handler->abi != SB_DATAGRAM_HANDLER_ABI || handler->handle == NULL) {
      napi_throw_type_error(env, "ERR_DATAGRAM_HANDLER", "not a datagram handler of this ABI");
      return NULL;
    }
  } else if (type != napi_undefined && type != napi_null) {
    napi_throw_type_error(env, "ERR_DATAGRAM_ARGS", "attachNativeHandler(id, handler: external | undefined)");
    return NULL;
  }
  sock_t* s = lookup(st, id);
  if (s != NULL && handler != NULL && st->reply_data == NULL) {
    st->reply_data = (uint8_t*)malloc((size_t)RECV_SLOTS * SB_DATAGRAM_REPLY_BYTES);
    if (st->reply_data == NULL) {
      napi_throw_error(env, "ERR_DATAGRAM_INIT", "out of memory");
      return NULL;
    }
  }
  if (s != NULL) {
    if (s->handler_ref != NULL) napi_delete_reference(env, s->handler_ref);
    s->handler_ref = NULL;
    s->handler = NULL;
    if (handler != NULL) {
      CHECK(napi_create_reference(env, argv[1], 1, &s->handler_ref));
      s->handler = handler;
    }
  }
  CHECK(napi_get_boolean(env, s != NULL, &result));
  return result;
}

/* nativeHandlerCounts() → [datagrams native handlers answered or consumed, replies the kernel refused]. */
static napi_value js_handler_counts(napi_env env, napi_callback_info info) {
  (void)info;
  state_t* st = state_of(env);
  napi_value out, v;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_double(env, st == NULL ? 0 : st->handled, &v));
  CHECK(napi_set_element(env, out, 0, v));
  CHECK(napi_create_double(env, st == NULL ? 0 : st->reply_failures, &v));
  CHECK(napi_set_element(env, out, 1, v));
  return out;
}

/* A handler for the package's own tests: answers "echo:<x>" with "echoed:<x>", consumes "drop" without a reply,
 * passes everything else on to JavaScript. */
static int32_t test_echo(void* ctx, const uint8_t* data, uint32_t length, const struct sockaddr* from,
                         socklen_t from_length, uint8_t* reply, uint32_t room) {
  (void)ctx;
  (void)from;
  (void)from_length;
  if (length == 4 && memcmp(data, "drop", 4) == 0) return 0;
  if (length < 5 || memcmp(data, "echo:", 5) != 0 || length + 2 > room) return SB_DATAGRAM_PASS;
  memcpy(reply, "echoed:", 7);
  memcpy(reply + 7, data + 5, length - 5);
  return (int32_t)(length + 2);
}

static const sb_datagram_handler_t test_echo_handler = {SB_DATAGRAM_HANDLER_ABI, NULL, test_echo};

/* testEchoHandler() → the external of the test handler above. */
static napi_value js_test_echo_handler(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  CHECK(napi_create_external(env, (void*)&test_echo_handler, NULL, NULL, &out));
  return out;
}

/* ref(id, on): whether an open socket keeps the event loop alive (it does by default). */
static napi_value js_ref(napi_env env, napi_callback_info info) {
  state_t* st = state_of(env);
  size_t argc = 2;
  napi_value argv[2];
  uint32_t id;
  bool on;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (st == NULL || argc < 2) return NULL;
  CHECK(napi_get_value_uint32(env, argv[0], &id));
  CHECK(napi_get_value_bool(env, argv[1], &on));
  sock_t* s = lookup(st, id);
  if (s != NULL) {
    if (on) uv_ref((uv_handle_t*)&s->poll);
    else uv_unref((uv_handle_t*)&s->poll);
  }
  return NULL;
}

/* ---- sending ----------------------------------------------------------------------------------------------- */

/* The destination of queued datagram i as this socket's family needs it; 0 when it cannot reach it. */
static socklen_t destination(state_t* st, sock_t* s, uint32_t i) {
  const uint32_t* meta = st->send_meta + i * (META_BYTES / 4);
  const uint8_t* addr = (const uint8_t*)(meta + 4);
  uint32_t family = meta[3] & 0xff;
  uint16_t port = htons((uint16_t)meta[2]);
  struct sockaddr_in6* out = &st->saddr[i];
  memset(out, 0, sizeof *out);
  if (s->family == AF_INET) {
    if (family != 4) return 0;
    struct sockaddr_in* a = (struct sockaddr_in*)out;
    a->sin_family = AF_INET;
    a->sin_port = port;
    memcpy(&a->sin_addr, addr, 4);
    return sizeof *a;
  }
  out->sin6_family = AF_INET6;
  out->sin6_port = port;
  if (family == 4) {
    out->sin6_addr.s6_addr[10] = 0xff;
    out->sin6_addr.s6_addr[11] = 0xff;
    memcpy(&out->sin6_addr.s6_addr[12], addr, 4);
  } else {
    memcpy(&out->sin6_addr, addr, 16);
  }
  return sizeof *out;
}

/* flush(count) → how many of the queued datagrams could not be sent. */
static napi_value js_flush(napi_env env, napi_callback_info info) {
  state_t* st = state_of(env);
  size_t argc = 1;
  napi_value argv[1], result;
  uint32_t count;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (st == NULL || argc < 1) return NULL;
  CHECK(napi_get_value_uint32(env, argv[0], &count));
  if (count > SEND_SLOTS) count = SEND_SLOTS;
  uint32_t failed = 0;
  size_t offset = 0;
  uint32_t i = 0;
  while (i < count) {
    uint32_t id = st->send_meta[i * (META_BYTES / 4)];
    sock_t* s = lookup(st, id);
    uint32_t end = i;
    uint32_t ready = i; /* sendable datagrams are compacted to [i, ready) */
    while (end < count && st->send_meta[end * (META_BYTES / 4)] == id) {
      uint32_t length = st->send_meta[end * (META_BYTES / 4) + 1];
      if (offset + length > SEND_BYTES) {
        count = end; /* corrupt queue: stop here */
        break;
      }
      socklen_t name_len = s != NULL ? destination(st, s, end) : 0;
      if (name_len == 0) {
        st->send_meta[end * (META_BYTES / 4) + 3] |= SEND_FAILED;
        failed++;
      } else {
        st->sorigin[ready] = end;
        if (ready != end) st->saddr[ready] = st->saddr[end];
        st->siov[ready].iov_base = st->send_data + offset;
        st->siov[ready].iov_len = length;
        memset(&st->smsgs[ready].msg_hdr, 0, sizeof st->smsgs[ready].msg_hdr);
        st->smsgs[ready].msg_hdr.msg_iov = &st->siov[ready];
        st->smsgs[ready].msg_hdr.msg_iovlen = 1;
        st->smsgs[ready].msg_hdr.msg_name = &st->saddr[ready];
        st->smsgs[ready].msg_hdr.msg_namelen = name_len;
        ready++;
      }
      offset += length;
      end++;
    }
    uint32_t k = i;
    while (k < ready) {
      int n = send_batch(s->fd, &st->smsgs[k], ready - k);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        /* The datagram at k was refused (full buffer, unreachable, …): drop it and go on with the rest. */
        st->send_meta[st->sorigin[k] * (META_BYTES / 4) + 3] |= SEND_FAILED;
        failed++;
        k++;
      } else {
        k += (uint32_t)n;
      }
    }
    i = end;
  }
  CHECK(napi_create_uint32(env, failed, &result));
  return result;
}

/* ---- set-up ------------------------------------------------------------------------------------------------ */

static void cleanup(void* arg) {
  state_t* st = (state_t*)arg;
  for (uint32_t i = 0; i < st->table_size; i++)
    if (st->table[i] != NULL) close_socket(st, st->table[i]);
  uv_check_stop(&st->check);
  uv_close((uv_handle_t*)&st->check, NULL);
}

static void finalize_state(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  state_t* st = (state_t*)data;
  free(st->table);
  /* The check handle may still be closing; the state is leaked on purpose rather than freed under libuv. */
}

static napi_value buffer(napi_env env, state_t* st, int slot, size_t bytes, void** data) {
  napi_value ab;
  if (napi_create_arraybuffer(env, bytes, data, &ab) != napi_ok) return NULL;
  if (napi_create_reference(env, ab, 1, &st->buffers[slot]) != napi_ok) return NULL;
  return ab;
}

/* init(onReceive: (count) => void) → { recvData, recvMeta, sendData, sendMeta, slots, slotBytes, sendSlots,
 * sendBytes }. Once per environment. */
static napi_value js_init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out, v, name;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (state_of(env) != NULL) {
    napi_throw_error(env, "ERR_DATAGRAM_INIT", "init() was already called in this environment");
    return NULL;
  }
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, "ERR_DATAGRAM_ARGS", "init(onReceive)");
    return NULL;
  }
  state_t* st = (state_t*)calloc(1, sizeof *st);
  if (st == NULL) {
    napi_throw_error(env, "ERR_DATAGRAM_INIT", "out of memory");
    return NULL;
  }
  st->env = env;
  CHECK(napi_get_uv_event_loop(env, &st->loop));
  CHECK(napi_create_reference(env, argv[0], 1, &st->callback));
  napi_value resource;
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_create_reference(env, resource, 1, &st->resource));
  CHECK(napi_create_string_utf8(env, "DatagramBatch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, resource, name, &st->async));
  uv_check_init(st->loop, &st->check);
  uv_unref((uv_handle_t*)&st->check);
  st->check.data = st;

  CHECK(napi_create_object(env, &out));
  void* p;
  v = buffer(env, st, 0, (size_t)RECV_SLOTS * SLOT_BYTES, &p);
  if (v == NULL) return NULL;
  st->recv_data = (uint8_t*)p;
  init_receive_headers(st);
  CHECK(napi_set_named_property(env, out, "recvData", v));
  v = buffer(env, st, 1, (size_t)RECV_SLOTS * META_BYTES, &p);
  if (v == NULL) return NULL;
  st->recv_meta = (uint32_t*)p;
  CHECK(napi_set_named_property(env, out, "recvMeta", v));
  v = buffer(env, st, 2, SEND_BYTES, &p);
  if (v == NULL) return NULL;
  st->send_data = (uint8_t*)p;
  CHECK(napi_set_named_property(env, out, "sendData", v));
  v = buffer(env, st, 3, (size_t)SEND_SLOTS * META_BYTES, &p);
  if (v == NULL) return NULL;
  st->send_meta = (uint32_t*)p;
  CHECK(napi_set_named_property(env, out, "sendMeta", v));
  CHECK(napi_create_uint32(env, RECV_SLOTS, &v));
  CHECK(napi_set_named_property(env, out, "slots", v));
  CHECK(napi_create_uint32(env, SLOT_BYTES, &v));
  CHECK(napi_set_named_property(env, out, "slotBytes", v));
  CHECK(napi_create_uint32(env, SEND_SLOTS, &v));
  CHECK(napi_set_named_property(env, out, "sendSlots", v));
  CHECK(napi_create_uint32(env, SEND_BYTES, &v));
  CHECK(napi_set_named_property(env, out, "sendBytes", v));
  CHECK(napi_set_instance_data(env, st, finalize_state, NULL));
  CHECK(napi_add_env_cleanup_hook(env, cleanup, st));
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_property_descriptor props[] = {
      {"init", NULL, js_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ref", NULL, js_ref, NULL, NULL, NULL, napi_enumerable, NULL},
      {"flush", NULL, js_flush, NULL, NULL, NULL, napi_enumerable, NULL},
      {"attachNativeHandler", NULL, js_attach, NULL, NULL, NULL, napi_enumerable, NULL},
      {"nativeHandlerCounts", NULL, js_handler_counts, NULL, NULL, NULL, napi_enumerable, NULL},
      {"testEchoHandler", NULL, js_test_echo_handler, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
