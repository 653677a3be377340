/*
 * A datagram handler in C that another addon attaches to a socket of this one (`attachNativeHandler`): each
 * datagram the socket receives is offered to it first, in the poll phase, before any JavaScript runs. It answers
 * the datagrams it can (its replies leave with one sendmmsg(2) per receive round) and hands the others on to the
 * socket's JavaScript handler unchanged. JavaScript gets the handler as an external whose data is a
 * `sb_datagram_handler_t*`; the addon that made it keeps the struct alive as long as that external lives, and the
 * socket holds a reference to the external while the handler is attached.
 */
#ifndef SB_DATAGRAM_HANDLER_H
#define SB_DATAGRAM_HANDLER_H
#include <stdint.h>
#include <sys/socket.h>

/* Bumped on any change of the struct or of the contract below. */
#define SB_DATAGRAM_HANDLER_ABI 1
/* Room for one reply. */
#define SB_DATAGRAM_REPLY_BYTES 8192
/* What `handle` returns for a datagram JavaScript should have. */
#define SB_DATAGRAM_PASS (-1)

typedef struct sb_datagram_handler {
  uint32_t abi; /* SB_DATAGRAM_HANDLER_ABI */
  void* ctx;
  /*
   * One datagram of `length` bytes from `from` (`from_length` bytes of sockaddr_in or sockaddr_in6). Returns the
   * length of the reply it wrote to `reply` (at most `room` bytes; the reply goes back to `from` on the same
   * socket), 0 when the datagram is dealt with and needs no reply, or SB_DATAGRAM_PASS to hand it to JavaScript
   * (the handler must then have changed nothing). Must not call into JavaScript.
   */
  int32_t (*handle)(void* ctx, const uint8_t* data, uint32_t length, const struct sockaddr* from,
                    socklen_t from_length, uint8_t* reply, uint32_t room);
} sb_datagram_handler_t;

#endif
