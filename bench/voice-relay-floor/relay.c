// The floor of the voice relay: the least any relay must do per audio frame, written in C with one
// epoll thread and nothing else, so that the Java server's CPU per round trip can be set beside what
// this machine's kernel and memory cost for the same traffic.
//
// Per browser it accepts the WebSocket upgrade on /ws, opens a WebSocket to the provider fake (as
// the server does: a client, so every frame it sends is masked), and then, per frame:
//   browser binary frame (masked PCM) -> unmask, base64 into input_audio_buffer.append, mask, send;
//   provider response.output_audio.delta -> find "delta", base64 decode, send as a binary frame.
// Every other provider event is read and dropped (the server parses them, stores usage and
// transcripts, records audio: none of that is here). No TLS, no auth, no limits, no allocation per
// frame. It is a measuring stick, not a server: never expose it.
//
// Build: cc -O2 -o relay relay.c -lcrypto     Run: ./relay <port> <provider ws url>
// Prints "listening" when ready. bench/voice-relay-node/run.mjs runs it as the `floor` variant.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BROWSER, PROVIDER };
enum { HANDSHAKE, OPEN };

typedef struct {
  unsigned char *p;
  size_t start, end, cap;
} buf;

typedef struct conn {
  int fd, kind, state, dead, watching_out;
  struct conn *peer, *next_dead;
  buf in, out;
} conn;

static int ep;
static struct sockaddr_in provider_addr;
static char provider_request[1024];
static conn *dead_list;
static unsigned char scratch[1 << 20];
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static const char APPEND_PREFIX[] = "{\"type\":\"input_audio_buffer.append\",\"audio\":\"";
static const char DELTA_PREFIX[] = "{\"type\":\"response.output_audio.delta\"";
static const char READY[] = "{\"type\":\"session.ready\"}";

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void reserve(buf *b, size_t more) {
  if (b->start > 0 && b->end + more > b->cap) {
    memmove(b->p, b->p + b->start, b->end - b->start);
    b->end -= b->start;
    b->start = 0;
  }
  if (b->end + more > b->cap) {
    b->cap = (b->end + more) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) die("realloc");
  }
}

static void watch(conn *c, int out) {
  struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};
  if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
  c->watching_out = out;
}

static void kill_conn(conn *c) {
  if (c->dead) return;
  c->dead = 1;
  close(c->fd);
  c->next_dead = dead_list;
  dead_list = c;
  if (c->peer) kill_conn(c->peer);
}

// one write when nothing is queued (the common case); what the socket does not take waits for EPOLLOUT
static void send_bytes(conn *c, const unsigned char *data, size_t len) {
  if (c->dead) return;
  if (c->out.end == c->out.start) {
    ssize_t n = write(c->fd, data, len);
    if (n < 0 && errno != EAGAIN) {
      kill_conn(c);
      return;
    }
    if (n > 0) {
      data += n;
      len -= (size_t)n;
    }
  }
  if (len == 0) return;
  reserve(&c->out, len);
  memcpy(c->out.p + c->out.end, data, len);
  c->out.end += len;
  if (!c->watching_out) watch(c, 1);
}

static void flush(conn *c) {
  while (c->out.end > c->out.start) {
    ssize_t n = write(c->fd, c->out.p + c->out.start, c->out.end - c->out.start);
    if (n < 0) {
      if (errno != EAGAIN) kill_conn(c);
      return;
    }
    c->out.start += (size_t)n;
  }
  c->out.start = c->out.end = 0;
  if (c->watching_out) watch(c, 0);
}

static size_t frame_header(unsigned char *h, int opcode, size_t len, int masked) {
  size_t n = 0;
  h[n++] = (unsigned char)(0x80 | opcode);
  unsigned char m = masked ? 0x80 : 0;
  if (len < 126) {
    h[n++] = m | (unsigned char)len;
  } else if (len < 65536) {
    h[n++] = m | 126;
    h[n++] = (unsigned char)(len >> 8);
    h[n++] = (unsigned char)len;
  } else {
    h[n++] = m | 127;
    for (int i = 7; i >= 0; i--) h[n++] = (unsigned char)(len >> (8 * i));
  }
  return n;
}

static void xor_mask(unsigned char *p, size_t len, const unsigned char key[4]) {
  uint32_t k32;
  memcpy(&k32, key, 4);
  uint64_t k = ((uint64_t)k32 << 32) | k32;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t v;
    memcpy(&v, p + i, 8);
    v ^= k;
    memcpy(p + i, &v, 8);
  }
  for (; i < len; i++) p[i] ^= key[i & 3];
}

// a client frame: masked with a fresh key, as RFC 6455 requires and the server does
static void send_masked_text(conn *c, unsigned char *frame, size_t header_room, size_t len) {
  unsigned char h[14];
  size_t hl = frame_header(h, 1, len, 1);
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  memcpy(h + hl, &rng, 4);
  xor_mask(frame + header_room, len, h + hl);
  hl += 4;
  memcpy(frame + header_room - hl, h, hl);
  send_bytes(c, frame + header_room - hl, hl + len);
}

static void send_server_frame(conn *c, int opcode, unsigned char *frame, size_t header_room, size_t len) {
  unsigned char h[10];
  size_t hl = frame_header(h, opcode, len, 0);
  memcpy(frame + header_room - hl, h, hl);
  send_bytes(c, frame + header_room - hl, hl + len);
}

static void open_provider(conn *browser) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&provider_addr, sizeof provider_addr) < 0 && errno != EINPROGRESS) {
    close(fd);
    kill_conn(browser);
    return;
  }
  conn *p = calloc(1, sizeof *p);
  p->fd = fd;
  p->kind = PROVIDER;
  p->peer = browser;
  browser->peer = p;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = p};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  send_bytes(p, (const unsigned char *)provider_request, strlen(provider_request));
}

static void browser_handshake(conn *c, const char *head) {
  const char *key = strcasestr(head, "sec-websocket-key:");
  if (!key) {
    kill_conn(c);
    return;
  }
  key += 18;
  while (*key == ' ') key++;
  size_t key_len = strcspn(key, "\r\n");
  char joined[256];
  snprintf(joined, sizeof joined, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", (int)key_len, key);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1((unsigned char *)joined, strlen(joined), digest);
  char accept[64];
  EVP_EncodeBlock((unsigned char *)accept, digest, SHA_DIGEST_LENGTH);
  char response[512];
  int n = snprintf(response, sizeof response,
                   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: interview.v1\r\n\r\n",
                   accept);
  send_bytes(c, (unsigned char *)response, (size_t)n);
  c->state = OPEN;
  open_provider(c);
}

// browser -> provider: unmasked PCM in, base64 append out
static void browser_frame(conn *c, int opcode, unsigned char *payload, size_t len) {
  conn *p = c->peer;
  if (opcode == 8) {
    kill_conn(c);
    return;
  }
  const size_t room = 14, prefix = sizeof APPEND_PREFIX - 1;
  // audio before the provider opened is dropped, and so is a frame too big for the scratch buffer
  if (opcode != 2 || !p || p->state != OPEN || room + prefix + (len + 2) / 3 * 4 + 2 > sizeof scratch) return;
  unsigned char *json = scratch + room;
  memcpy(json, APPEND_PREFIX, prefix);
  int b64 = EVP_EncodeBlock(json + prefix, payload, (int)len);
  memcpy(json + prefix + b64, "\"}", 2);
  send_masked_text(p, scratch, room, prefix + (size_t)b64 + 2);
}

// provider -> browser: the delta's audio as a binary frame; every other event is dropped
static void provider_frame(conn *c, int opcode, unsigned char *payload, size_t len) {
  conn *b = c->peer;
  if (opcode == 8) {
    kill_conn(c);
    return;
  }
  if (opcode != 1 || len < sizeof DELTA_PREFIX || memcmp(payload, DELTA_PREFIX, sizeof DELTA_PREFIX - 1) != 0) return;
  unsigned char *start = memmem(payload, len, "\"delta\":\"", 9);
  if (!start) return;
  start += 9;
  unsigned char *end = memchr(start, '"', len - (size_t)(start - payload));
  if (!end) return;
  const size_t room = 10;
  if (room + (size_t)(end - start) / 4 * 3 + 3 > sizeof scratch) return;
  int n = EVP_DecodeBlock(scratch + room, start, (int)(end - start));
  if (n < 0) return;
  if (end - start >= 2 && end[-1] == '=') n -= end[-2] == '=' ? 2 : 1;
  send_server_frame(b, 2, scratch, room, (size_t)n);
}

static void read_frames(conn *c) {
  for (;;) {
    unsigned char *p = c->in.p + c->in.start;
    size_t avail = c->in.end - c->in.start;
    if (avail < 2) break;
    int opcode = p[0] & 0x0f, masked = p[1] & 0x80;
    size_t len = p[1] & 0x7f, at = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = ((size_t)p[2] << 8) | p[3];
      at = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | p[2 + i];
      at = 10;
    }
    unsigned char key[4];
    if (masked) {
      if (avail < at + 4) break;
      memcpy(key, p + at, 4);
      at += 4;
    }
    if (avail < at + len) break;
    if (masked) xor_mask(p + at, len, key);
    c->in.start += at + len;
    if (c->kind == BROWSER) browser_frame(c, opcode, p + at, len);
    else provider_frame(c, opcode, p + at, len);
    if (c->dead) return;
  }
  if (c->in.start == c->in.end) c->in.start = c->in.end = 0;
}

static void on_readable(conn *c) {
  reserve(&c->in, 65536);
  ssize_t n = read(c->fd, c->in.p + c->in.end, c->in.cap - c->in.end);
  if (n <= 0) {
    if (n == 0 || errno != EAGAIN) kill_conn(c);
    return;
  }
  c->in.end += (size_t)n;
  if (c->state == HANDSHAKE) {
    c->in.p[c->in.end < c->in.cap ? c->in.end : c->in.cap - 1] = 0;
    char *head = (char *)c->in.p + c->in.start;
    char *end = strstr(head, "\r\n\r\n");
    if (!end) return;
    c->in.start = (size_t)((unsigned char *)end + 4 - c->in.p);
    if (c->kind == BROWSER) {
      browser_handshake(c, head);
    } else {
      if (strncmp(head, "HTTP/1.1 101", 12) != 0) {
        kill_conn(c);
        return;
      }
      c->state = OPEN;
      unsigned char ready[64];
      memcpy(ready + 10, READY, sizeof READY - 1);
      send_server_frame(c->peer, 1, ready, 10, sizeof READY - 1);
    }
    if (c->dead) return;
  }
  read_frames(c);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: relay <port> <provider ws://host:port/path>\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  char host[256], path[512];
  int provider_port;
  if (sscanf(argv[2], "ws://%255[^:]:%d%511s", host, &provider_port, path) != 3) {
    fprintf(stderr, "provider url must be ws://host:port/path\n");
    return 2;
  }
  provider_addr.sin_family = AF_INET;
  provider_addr.sin_port = htons((uint16_t)provider_port);
  if (inet_pton(AF_INET, host, &provider_addr.sin_addr) != 1) {
    fprintf(stderr, "provider host must be an IPv4 address\n");
    return 2;
  }
  snprintf(provider_request, sizeof provider_request,
           "GET %s?model=gpt-realtime HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Authorization: Bearer sk-bench-fake\r\n\r\n",
           path, host, provider_port);

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1024) < 0) die("listen");
  ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
  printf("listening\n");
  fflush(stdout);

  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      conn *c = events[i].data.ptr;
      if (!c) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conn *b = calloc(1, sizeof *b);
          b->fd = fd;
          b->kind = BROWSER;
          struct epoll_event ev = {.events = EPOLLIN, .data.ptr = b};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        continue;
      }
      if (c->dead) continue;
      if (events[i].events & EPOLLOUT) flush(c);
      if (!c->dead && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) on_readable(c);
    }
    while (dead_list) {
      conn *d = dead_list;
      dead_list = d->next_dead;
      free(d->in.p);
      free(d->out.p);
      free(d);
    }
  }
}
