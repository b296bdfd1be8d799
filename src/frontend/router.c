/*
 * router.c — the URL table of Triton's HTTP server (spec §4), as code (see router.h).
 *
 * Paths are split into at most 8 segments; each endpoint is matched by segment shape.
 * Order of checks mirrors Triton's regexes so ambiguous paths (a model literally named
 * "stats") resolve the same way: `/v2/models/stats` is the all-models statistics endpoint.
 */
#include "router.h"

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SEGMENTS = 8 };

typedef struct segment {
  const char *text;
  int len;
} segment;

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int router_percent_decode(const char *in, int len, char *out, int cap) {
  int n = 0;
  for (int i = 0; i < len; ++i) {
    int c = (unsigned char)in[i];
    if (c == '%') {
      int hi = i + 1 < len ? hex_value(in[i + 1]) : -1;
      int lo = i + 2 < len ? hex_value(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return -1;
      c = hi * 16 + lo;
      i += 2;
    }
    if (c == 0 || n + 1 >= cap) return -1;
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return n;
}

static bool seg_is(const segment *s, const char *word) {
  int len = (int)strlen(word);
  return s->len == len && memcmp(s->text, word, (size_t)len) == 0;
}

static void set_error(route *out, int status, const char *message) {
  out->http_status = status;
  out->error = message;
}

/* Decode a name segment into `dest`; on failure sets a 400 naming what was wrong. */
static bool decode_name(route *out, const segment *s, char *dest, const char *what) {
  int n = router_percent_decode(s->text, s->len, dest, ROUTE_NAME_MAX);
  bool bad = n <= 0 || strchr(dest, '/') != NULL || strcmp(dest, ".") == 0 ||
             strcmp(dest, "..") == 0;
  if (!bad) return true;
  snprintf(out->error_buffer, sizeof(out->error_buffer),
           "invalid %s name '%.*s': expected a name without '/', NUL or percent-escape "
           "errors that is not '.' or '..'",
           what, s->len > 200 ? 200 : s->len, s->text);
  dest[0] = '\0';
  set_error(out, 400, out->error_buffer);
  return false;
}

static bool parse_version(route *out, const segment *s) {
  char text[32];
  bool digits = s->len > 0 && s->len < (int)sizeof(text);
  for (int i = 0; digits && i < s->len; ++i)
    digits = s->text[i] >= '0' && s->text[i] <= '9';
  if (digits) {
    memcpy(text, s->text, (size_t)s->len);
    text[s->len] = '\0';
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == 0 && v >= 0) {
      out->version = v;
      return true;
    }
  }
  snprintf(out->error_buffer, sizeof(out->error_buffer),
           "failed to parse model version '%.*s': expected an integer >= 0",
           s->len > 64 ? 64 : s->len, s->text);
  set_error(out, 400, out->error_buffer);
  return false;
}

static void finish(route *out, route_kind kind, unsigned category, int methods,
                   int method) {
  out->kind = kind;
  out->category = category;
  if (out->http_status == 0 && (methods & method) == 0)
    set_error(out, 405, "Method Not Allowed");
}

/* /v2/models/<m>[/versions/<v>][/<action>] */
static void route_model(const segment *seg, int count, int method, route *out) {
  /* A bad name sets 400; the endpoint is still classified, so no 405 masks it. */
  decode_name(out, &seg[2], out->model, "model");
  int next = 3;
  if (count >= 5 && seg_is(&seg[3], "versions")) {
    if (out->http_status == 0) parse_version(out, &seg[4]);
    next = 5;
  }
  if (count == next) {
    finish(out, ROUTE_MODEL_METADATA, RESTRICT_METADATA, ROUTE_GET, method);
    return;
  }
  static const struct {
    const char *action;
    route_kind kind;
    unsigned category;
    int methods;
  } actions[] = {
      {"infer", ROUTE_MODEL_INFER, RESTRICT_INFERENCE, ROUTE_POST},
      {"generate", ROUTE_MODEL_GENERATE, RESTRICT_INFERENCE, ROUTE_POST},
      {"generate_stream", ROUTE_MODEL_GENERATE_STREAM, RESTRICT_INFERENCE, ROUTE_POST},
      {"ready", ROUTE_MODEL_READY, RESTRICT_HEALTH, ROUTE_GET},
      {"config", ROUTE_MODEL_CONFIG, RESTRICT_MODEL_CONFIG, ROUTE_GET},
      {"stats", ROUTE_MODEL_STATS, RESTRICT_STATISTICS, ROUTE_GET},
  };
  if (count == next + 1) {
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); ++i)
      if (seg_is(&seg[next], actions[i].action)) {
        finish(out, actions[i].kind, actions[i].category, actions[i].methods, method);
        return;
      }
  }
  if (count == next + 2 && seg_is(&seg[next], "trace") && seg_is(&seg[next + 1], "setting")) {
    finish(out, ROUTE_MODEL_TRACE_SETTING, RESTRICT_TRACE, ROUTE_GET | ROUTE_POST, method);
    return;
  }
  set_error(out, 404, "Not Found"); /* no such action: Triton's regex does not match */
}

/* /v2/repository[/<name>]/index  and  /v2/repository[/<name>]/models/<m>/(load|unload) */
static void route_repository(const segment *seg, int count, int method, route *out) {
  int next = 2;
  bool named = false;
  if (count == 4 || count == 6) {
    named = true;
    next = 3;
  }
  if (count == next + 1 && seg_is(&seg[next], "index")) {
    if (named) decode_name(out, &seg[2], out->repository, "repository");
    finish(out, ROUTE_REPOSITORY_INDEX, RESTRICT_MODEL_REPOSITORY, ROUTE_POST, method);
    return;
  }
  if (count == next + 3 && seg_is(&seg[next], "models") &&
      (seg_is(&seg[next + 2], "load") || seg_is(&seg[next + 2], "unload"))) {
    if (named) decode_name(out, &seg[2], out->repository, "repository");
    if (out->http_status == 0) decode_name(out, &seg[next + 1], out->model, "model");
    finish(out,
           seg_is(&seg[next + 2], "load") ? ROUTE_REPOSITORY_LOAD : ROUTE_REPOSITORY_UNLOAD,
           RESTRICT_MODEL_REPOSITORY, ROUTE_POST, method);
    return;
  }
  set_error(out, 404, "Not Found");
}

/* /v2/(system|cuda)sharedmemory[/region/<r>]/(status|register|unregister) */
static void route_shared_memory(const segment *seg, int count, int method, bool cuda,
                                route *out) {
  int next = 2;
  if (count == 5 && seg_is(&seg[2], "region")) {
    decode_name(out, &seg[3], out->region, "region"); /* sets 400 on a bad name */
    next = 4;
  }
  if (count != next + 1) {
    set_error(out, 404, "Not Found");
    return;
  }
  route_kind status = cuda ? ROUTE_CUDA_SHM_STATUS : ROUTE_SYSTEM_SHM_STATUS;
  if (seg_is(&seg[next], "status")) {
    finish(out, status, RESTRICT_SHARED_MEMORY, ROUTE_GET, method);
  } else if (seg_is(&seg[next], "register")) {
    /* Triton's regex matches register without a region; the handler answers 400. */
    finish(out, cuda ? ROUTE_CUDA_SHM_REGISTER : ROUTE_SYSTEM_SHM_REGISTER,
           RESTRICT_SHARED_MEMORY, ROUTE_POST, method);
  } else if (seg_is(&seg[next], "unregister")) {
    finish(out, cuda ? ROUTE_CUDA_SHM_UNREGISTER : ROUTE_SYSTEM_SHM_UNREGISTER,
           RESTRICT_SHARED_MEMORY, ROUTE_POST, method);
  } else {
    set_error(out, 404, "Not Found");
  }
}

void router_route(const char *method_text, const char *path, route *out) {
  memset(out, 0, sizeof(*out));
  out->version = -1;
  int method = strcmp(method_text, "GET") == 0    ? ROUTE_GET
               : strcmp(method_text, "POST") == 0 ? ROUTE_POST
               : strcmp(method_text, "HEAD") == 0 ? ROUTE_GET
                                                   : 0;
  segment seg[MAX_SEGMENTS];
  int count = 0;
  if (path == NULL || path[0] != '/') {
    set_error(out, 404, "Not Found");
    return;
  }
  const char *p = path + 1;
  for (;;) {
    const char *slash = strchr(p, '/');
    int len = slash != NULL ? (int)(slash - p) : (int)strlen(p);
    if (len == 0 || count == MAX_SEGMENTS) { /* empty segment ("//", trailing '/') */
      set_error(out, 404, "Not Found");
      return;
    }
    seg[count].text = p;
    seg[count].len = len;
    ++count;
    if (slash == NULL) break;
    p = slash + 1;
  }
  if (!seg_is(&seg[0], "v2")) {
    set_error(out, 404, "Not Found");
    return;
  }
  if (count == 1) {
    finish(out, ROUTE_SERVER_METADATA, RESTRICT_METADATA, ROUTE_GET, method);
  } else if (count == 3 && seg_is(&seg[1], "health") &&
             (seg_is(&seg[2], "live") || seg_is(&seg[2], "ready"))) {
    finish(out, seg_is(&seg[2], "live") ? ROUTE_HEALTH_LIVE : ROUTE_HEALTH_READY,
           RESTRICT_HEALTH, ROUTE_GET, method);
  } else if (count == 3 && seg_is(&seg[1], "models") && seg_is(&seg[2], "stats")) {
    finish(out, ROUTE_ALL_MODEL_STATS, RESTRICT_STATISTICS, ROUTE_GET, method);
  } else if (count >= 3 && seg_is(&seg[1], "models")) {
    route_model(seg, count, method, out);
  } else if (count == 3 && seg_is(&seg[1], "trace") && seg_is(&seg[2], "setting")) {
    finish(out, ROUTE_TRACE_SETTING, RESTRICT_TRACE, ROUTE_GET | ROUTE_POST, method);
  } else if (count == 2 && seg_is(&seg[1], "logging")) {
    finish(out, ROUTE_LOGGING, RESTRICT_LOGGING, ROUTE_GET | ROUTE_POST, method);
  } else if (count >= 3 && seg_is(&seg[1], "repository")) {
    route_repository(seg, count, method, out);
  } else if (count >= 3 && seg_is(&seg[1], "systemsharedmemory")) {
    route_shared_memory(seg, count, method, false, out);
  } else if (count >= 3 && seg_is(&seg[1], "cudasharedmemory")) {
    route_shared_memory(seg, count, method, true, out);
  } else {
    set_error(out, 404, "Not Found");
  }
  if (out->http_status == 404) out->kind = ROUTE_NONE;
}
