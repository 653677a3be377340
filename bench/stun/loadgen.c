/*
 * STUN Binding load generator (UDP, loopback only). Compiled by bench/stun/run.ts with `cc -O2` at bench time.
 *
 *   stun-loadgen <ipv4> <port> <seconds> <sockets> <window> <stun|any>
 *
 * Keeps <window> requests in flight on each of <sockets> connected UDP sockets: every reply is answered with
 * a new request at once (closed loop), and a socket that went quiet for 50 ms (lost datagrams) gets its window
 * refilled. Counts replies for <seconds> after a 0.5 s warm-up and prints one JSON line. In "stun" mode only
 * Binding success responses (type 0x0101, magic cookie) count; in "any" mode every datagram counts (echo).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
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

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t rng = 0x12345678;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

/* A 20-byte Binding request with a fresh transaction id. */
static void make_request(unsigned char *b) {
  b[0] = 0x00; b[1] = 0x01; b[2] = 0x00; b[3] = 0x00;
  b[4] = 0x21; b[5] = 0x12; b[6] = 0xa4; b[7] = 0x42;
  for (int i = 8; i < 20; i += 4) {
    uint32_t r = next_rand();
    memcpy(b + i, &r, 4);
  }
}

static void send_n(int fd, int n) {
  unsigned char bufs[BATCH][20];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  while (n > 0) {
    int k = n < BATCH ? n : BATCH;
    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < k; i++) {
      make_request(bufs[i]);
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = 20;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int sent = sendmmsg(fd, msgs, k, 0);
    if (sent <= 0) return; /* buffer full: the quiet-socket refill will try again */
    n -= sent;
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s <ipv4> <port> <seconds> <sockets> <window> <stun|any>\n", argv[0]);
    return 2;
  }
  const char *ip = argv[1];
  int port = atoi(argv[2]);
  double seconds = atof(argv[3]);
  int nsock = atoi(argv[4]);
  int window = atoi(argv[5]);
  int stun_only = strcmp(argv[6], "stun") == 0;
  if (nsock < 1 || nsock > MAX_SOCKETS || window < 1) return 2;

  struct sockaddr_in dst = {0};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  if (inet_pton(AF_INET, ip, &dst.sin_addr) != 1) return 2;

  int ep = epoll_create1(0);
  int fds[MAX_SOCKETS];
  double last_rx[MAX_SOCKETS];
  for (int i = 0; i < nsock; i++) {
    fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int sz = 1 << 20;
    setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    if (connect(fds[i], (struct sockaddr *)&dst, sizeof(dst)) != 0) {
      perror("connect");
      return 1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }

  double start = now();
  double warm = start + 0.5;
  double end = warm + seconds;
  for (int i = 0; i < nsock; i++) {
    send_n(fds[i], window);
    last_rx[i] = start;
  }

  long long counted = 0, invalid = 0, refills = 0;
  unsigned char rbuf[BATCH][1500];
  struct mmsghdr rmsgs[BATCH];
  struct iovec riov[BATCH];
  struct epoll_event events[64];
  double t = start;
  while (t < end) {
    int n = epoll_wait(ep, events, 64, 10);
    t = now();
    for (int e = 0; e < n; e++) {
      int i = (int)events[e].data.u32;
      for (;;) {
        memset(rmsgs, 0, sizeof(rmsgs));
        for (int k = 0; k < BATCH; k++) {
          riov[k].iov_base = rbuf[k];
          riov[k].iov_len = sizeof(rbuf[k]);
          rmsgs[k].msg_hdr.msg_iov = &riov[k];
          rmsgs[k].msg_hdr.msg_iovlen = 1;
        }
        int got = recvmmsg(fds[i], rmsgs, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        int ok = 0;
        for (int k = 0; k < got; k++) {
          unsigned char *b = rbuf[k];
          if (!stun_only || (rmsgs[k].msg_len >= 20 && b[0] == 0x01 && b[1] == 0x01 && b[4] == 0x21 &&
                             b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42))
            ok++;
          else
            invalid++;
        }
        if (t >= warm) counted += ok;
        last_rx[i] = t;
        send_n(fds[i], got);
        if (got < BATCH) break;
      }
    }
    /* Datagrams get lost under load: refill the window of sockets that went quiet. */
    for (int i = 0; i < nsock; i++) {
      if (t - last_rx[i] > 0.05) {
        send_n(fds[i], window);
        last_rx[i] = t;
        refills++;
      }
    }
  }
  double measured = t - warm;
  printf("{\"replies\":%lld,\"seconds\":%.3f,\"rps\":%.0f,\"invalid\":%lld,\"refills\":%lld}\n", counted,
         measured, counted / measured, invalid, refills);
  return 0;
}
