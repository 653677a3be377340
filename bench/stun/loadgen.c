/*
 * STUN Binding load generator (UDP, loopback only). Compiled by bench/stun/run.ts with `cc -O2` at bench time.
 *
 *   stun-loadgen <ipv4> <port> <seconds> <sockets> <window> <stun|any>
 *
 * Closed loop: each of <sockets> connected UDP sockets has <window> request slots; the slot number travels in
 * the transaction id, so every reply frees its slot and the slot's next request leaves at once. A slot whose
 * reply has not come back after 100 ms (a datagram lost under load) is sent again. Replies are counted for
 * <seconds> after a 0.5 s warm-up; one JSON line is printed. In "stun" mode only Binding success responses
 * (0x0101 + magic cookie) count; in "any" mode every datagram carrying one of our slots does (echo servers).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_SOCKETS 1024
#define MAX_WINDOW 4096
#define TIMEOUT 0.1

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fds[MAX_SOCKETS];
static double *sent_at[MAX_SOCKETS];
static long long timeouts = 0;

/* A 20-byte Binding request whose transaction id carries the slot: bytes 8-11 slot, 12-15 socket. */
static void make_request(unsigned char *b, uint32_t sock, uint32_t slot) {
  static const unsigned char head[8] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
  memcpy(b, head, 8);
  memcpy(b + 8, &slot, 4);
  memcpy(b + 12, &sock, 4);
  uint32_t r = (uint32_t)rand();
  memcpy(b + 16, &r, 4);
}

/* Sends the requests of `slots` on socket `s` (in batches) and stamps them. */
static void send_slots(int s, const uint32_t *slots, int n, double t) {
  unsigned char bufs[BATCH][20];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  for (int off = 0; off < n; off += BATCH) {
    int k = n - off < BATCH ? n - off : BATCH;
    memset(msgs, 0, sizeof(struct mmsghdr) * k);
    for (int i = 0; i < k; i++) {
      make_request(bufs[i], (uint32_t)s, slots[off + i]);
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = 20;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      sent_at[s][slots[off + i]] = t; /* stamped even if the send fails: the timeout resends it */
    }
    sendmmsg(fds[s], msgs, k, 0);
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s <ipv4> <port> <seconds> <sockets> <window> <stun|any>\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[2]);
  double seconds = atof(argv[3]);
  int nsock = atoi(argv[4]);
  int window = atoi(argv[5]);
  int stun_only = strcmp(argv[6], "stun") == 0;
  if (nsock < 1 || nsock > MAX_SOCKETS || window < 1 || window > MAX_WINDOW) return 2;

  struct sockaddr_in dst = {0};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) return 2;

  int ep = epoll_create1(0);
  for (int i = 0; i < nsock; i++) {
    fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int sz = 1 << 20;
    setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    if (connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) != 0) {
      perror("connect");
      return 1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
    sent_at[i] = calloc((size_t)window, sizeof(double));
  }

  double start = now();
  double warm = start + 0.5;
  double end = warm + seconds;
  uint32_t *all = malloc(sizeof(uint32_t) * (size_t)window);
  for (int w = 0; w < window; w++) all[w] = (uint32_t)w;
  for (int i = 0; i < nsock; i++) send_slots(i, all, window, start);

  long long counted = 0, invalid = 0;
  unsigned char rbuf[BATCH][1500];
  struct mmsghdr rmsgs[BATCH];
  struct iovec riov[BATCH];
  struct epoll_event events[64];
  uint32_t ready_slots[BATCH];
  double t = start, last_sweep = start;
  while (t < end) {
    int n = epoll_wait(ep, events, 64, 10);
    t = now();
    for (int e = 0; e < n; e++) {
      int s = (int)events[e].data.u32;
      for (;;) {
        memset(rmsgs, 0, sizeof(rmsgs));
        for (int k = 0; k < BATCH; k++) {
          riov[k].iov_base = rbuf[k];
          riov[k].iov_len = sizeof(rbuf[k]);
          rmsgs[k].msg_hdr.msg_iov = &riov[k];
          rmsgs[k].msg_hdr.msg_iovlen = 1;
        }
        int got = recvmmsg(fds[s], rmsgs, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        int nready = 0;
        for (int k = 0; k < got; k++) {
          unsigned char *b = rbuf[k];
          uint32_t slot, sock;
          if (rmsgs[k].msg_len < 20) {
            invalid++;
            continue;
          }
          memcpy(&slot, b + 8, 4);
          memcpy(&sock, b + 12, 4);
          int is_stun_ok = b[0] == 0x01 && b[1] == 0x01 && b[4] == 0x21 && b[5] == 0x12 && b[6] == 0xa4 &&
                           b[7] == 0x42;
          if (sock != (uint32_t)s || slot >= (uint32_t)window || (stun_only && !is_stun_ok)) {
            invalid++;
            continue;
          }
          if (sent_at[s][slot] == 0) continue; /* a late reply to a slot already resent and answered */
          sent_at[s][slot] = 0;
          ready_slots[nready++] = slot;
        }
        if (t >= warm) counted += nready;
        send_slots(s, ready_slots, nready, t);
        if (got < BATCH) break;
      }
    }
    if (t - last_sweep > 0.01) {
      last_sweep = t;
      for (int s = 0; s < nsock; s++) {
        int nlost = 0;
        uint32_t lost[BATCH];
        for (int w = 0; w < window; w++) {
          if (sent_at[s][w] != 0 && t - sent_at[s][w] > TIMEOUT) {
            lost[nlost++] = (uint32_t)w;
            timeouts++;
            if (nlost == BATCH) {
              send_slots(s, lost, nlost, t);
              nlost = 0;
            }
          }
        }
        send_slots(s, lost, nlost, t);
      }
    }
  }
  double measured = t - warm;
  printf("{\"replies\":%lld,\"seconds\":%.3f,\"rps\":%.0f,\"invalid\":%lld,\"timeouts\":%lld}\n", counted,
         measured, counted / measured, invalid, timeouts);
  return 0;
}
