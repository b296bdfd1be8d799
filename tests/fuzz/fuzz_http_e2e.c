/*
 * fuzz_http_e2e.c — libFuzzer target for the whole HTTP request path, in process: the
 * fuzz bytes are one raw HTTP request (method, URL, headers, body) written to torchd's
 * libmicrohttpd server, which routes it into the real core (libtritonserver.so) and the
 * identity test backend.
 *
 * Setup (first call): a temporary model repository with two identity models ("ident",
 * FP32 [-1] with dynamic batching, and "strings", BYTES), the core with backend
 * directory <dir of this executable>/backends, explicit model control with every model
 * loaded, and the HTTP server on 127.0.0.1 at a free port.
 *
 * Oracle: no crash (ASan/UBSan) and, after every input, GET /v2/health/live on a fresh
 * connection answers 200; abort() otherwise.
 */
#include "cli.h"
#include "frontend.h"
#include "http_server.h"
#include "infer_handler.h"
#include "server_options.h"
#include "shm_registry.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int http_port;

static void die(const char *what, TRITONSERVER_Error *err) {
  fprintf(stderr, "fuzz_http_e2e setup: %s: %s\n", what,
          err ? TRITONSERVER_ErrorMessage(err) : "failed");
  abort();
}

static void write_model(const char *repo, const char *name, const char *config) {
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", repo, name);
  if (mkdir(path, 0700) != 0) die("mkdir model", NULL);
  snprintf(path, sizeof(path), "%s/%s/1", repo, name);
  if (mkdir(path, 0700) != 0) die("mkdir version", NULL);
  snprintf(path, sizeof(path), "%s/%s/config.pbtxt", repo, name);
  FILE *file = fopen(path, "w");
  if (file == NULL) die("write config.pbtxt", NULL);
  fputs(config, file);
  fclose(file);
}

/* A port that was free a moment ago (bind to 0, read it back, close). */
static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
    die("finding a free port", NULL);
  close(fd);
  return ntohs(addr.sin_port);
}

static char repo[] = "/tmp/fuzz_http_e2e.XXXXXX";

/* At exit: remove the repository (only the files setup() wrote). */
static void remove_repo(void) {
  static const char *const parts[] = {"ident/config.pbtxt", "ident/1", "ident",
                                      "strings/config.pbtxt", "strings/1", "strings"};
  char path[PATH_MAX];
  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); ++i) {
    snprintf(path, sizeof(path), "%s/%s", repo, parts[i]);
    remove(path);
  }
  rmdir(repo);
}

static void setup(void) {
  signal(SIGPIPE, SIG_IGN);
  if (mkdtemp(repo) == NULL) die("mkdtemp", NULL);
  atexit(remove_repo);
  write_model(repo, "ident",
              "backend: \"identity\"\nmax_batch_size: 8\n"
              "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
              "dynamic_batching { max_queue_delay_microseconds: 100 }\n");
  write_model(repo, "strings",
              "backend: \"identity\"\nmax_batch_size: 0\n"
              "input [ { name: \"INPUT0\" data_type: TYPE_STRING dims: [ -1 ] } ]\n"
              "output [ { name: \"OUTPUT0\" data_type: TYPE_STRING dims: [ -1 ] } ]\n");

  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) die("readlink /proc/self/exe", NULL);
  exe[n] = '\0';
  static char backends[PATH_MAX + 16];
  snprintf(backends, sizeof(backends), "%s/backends", dirname(exe));

  http_port = free_port();
  static char repo_arg[PATH_MAX + 32], backend_arg[PATH_MAX + 32], port_arg[32];
  snprintf(repo_arg, sizeof(repo_arg), "--model-repository=%s", repo);
  snprintf(backend_arg, sizeof(backend_arg), "--backend-directory=%s", backends);
  snprintf(port_arg, sizeof(port_arg), "--http-port=%d", http_port);
  char *argv[] = {"fuzz_http_e2e", repo_arg, backend_arg, port_arg,
                  "--http-address=127.0.0.1", "--model-control-mode=explicit",
                  "--load-model=*", "--allow-metrics=false", "--http-thread-count=2",
                  "--log-info=false", "--log-warning=false", NULL};
  static cli_options cli;
  cli_options_defaults(&cli);
  char *cli_error = cli_parse((int)(sizeof(argv) / sizeof(argv[0]) - 1), argv, &cli);
  if (cli_error != NULL) {
    fprintf(stderr, "fuzz_http_e2e setup: %s\n", cli_error);
    abort();
  }

  TRITONSERVER_ServerOptions *options = NULL;
  TRITONSERVER_Error *err = server_options_from_cli(&cli, backends, &options);
  if (err != NULL) die("server options", err);
  TRITONSERVER_Server *server = NULL;
  err = TRITONSERVER_ServerNew(&server, options);
  TRITONSERVER_ServerOptionsDelete(options);
  if (err != NULL) die("creating the server", err);

  /* The frontend state, set up as main.c sets it up. */
  static frontend fe;
  err = frontend_init(&fe, server, &cli);
  if (err != NULL) die("frontend", err);

  char *start_error = NULL;
  struct MHD_Daemon *http = http_server_start(&fe, cli.http_address, cli.http_port,
                                              (unsigned)cli.http_thread_count, &start_error);
  if (http == NULL) {
    fprintf(stderr, "fuzz_http_e2e setup: %s\n", start_error ? start_error : "no daemon");
    abort();
  }
  /* Server, frontend and daemon live until the process exits. */
}

/* Connect, send `data`, half-close, read the answer into `out` (up to `cap` bytes,
 * NUL-terminated; the rest is read and dropped); returns the bytes kept, or -1 when it
 * cannot connect. */
static ssize_t exchange(const uint8_t *data, size_t size, char *out, size_t cap,
                        long limit_us) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)http_port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  struct timeval tv = {0, 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  size_t sent = 0;
  while (sent < size) {
    ssize_t w = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (w <= 0) break; /* the server may answer and close before reading everything */
    sent += (size_t)w;
  }
  shutdown(fd, SHUT_WR);
  /* Until EOF, `limit_us` in all, or 50 ms of quiet after some answer: libmicrohttpd keeps a
   * keep-alive connection open after answering even when the client has half-closed. */
  struct timeval start, now;
  gettimeofday(&start, NULL);
  size_t got = 0, total = 0;
  char sink[4096];
  for (;;) {
    char *dst = got + 1 < cap ? out + got : sink;
    size_t room = got + 1 < cap ? cap - 1 - got : sizeof(sink);
    ssize_t r = recv(fd, dst, room, 0);
    if (r == 0) break;
    if (r > 0) {
      if (dst != sink) got += (size_t)r;
      if (total == 0) {
        struct timeval quiet = {0, 50 * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet));
      }
      total += (size_t)r;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (total > 0) break;
    } else if (errno != EINTR) {
      break;
    }
    gettimeofday(&now, NULL);
    if ((now.tv_sec - start.tv_sec) * 1000000L + (now.tv_usec - start.tv_usec) > limit_us)
      break;
  }
  if (cap > 0) out[got] = '\0';
  close(fd);
  return (ssize_t)got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int started;
  if (!started) {
    setup();
    started = 1;
  }
  char ignored[1];
  /* 1 s: an incomplete request that libmicrohttpd never sees end gets no answer. */
  exchange(data, size, ignored, sizeof(ignored), 1000000L);

  static const char health[] = "GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\n\r\n";
  char answer[512];
  ssize_t got = exchange((const uint8_t *)health, sizeof(health) - 1, answer, sizeof(answer),
                       2000000L);
  if (got < 12 || strncmp(answer, "HTTP/1.1 200", 12) != 0) {
    fprintf(stderr, "fuzz_http_e2e: GET /v2/health/live after the input answered: %s\n",
            got < 0 ? "(no connection)" : answer);
    abort();
  }
  return 0;
}
