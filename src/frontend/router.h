/*
 * router.h — map an HTTP method and URL path onto a KServe v2 / Triton endpoint.
 *
 * Why: Triton routes with full-path regexes (spec §4); this module reproduces exactly
 * which paths exist, which methods each accepts (405 otherwise), and the URL-derived
 * arguments (model, version, region, repository), so handlers never touch raw URLs.
 * Path segments are percent-decoded one by one after splitting, so "%2F" can never
 * smuggle a '/' into a model name; names can never be "", ".", "..", or hold '/' or NUL.
 */
#ifndef TORCHD_FRONTEND_ROUTER_H
#define TORCHD_FRONTEND_ROUTER_H

#include <stdint.h>

typedef enum route_kind {
  ROUTE_NONE = 0, /* unknown path: 404 {"error":"Not Found"} */
  ROUTE_SERVER_METADATA,
  ROUTE_HEALTH_LIVE,
  ROUTE_HEALTH_READY,
  ROUTE_MODEL_METADATA,
  ROUTE_MODEL_READY,
  ROUTE_MODEL_CONFIG,
  ROUTE_MODEL_INFER,
  ROUTE_MODEL_GENERATE,
  ROUTE_MODEL_GENERATE_STREAM,
  ROUTE_MODEL_STATS,
  ROUTE_MODEL_TRACE_SETTING,
  ROUTE_ALL_MODEL_STATS,
  ROUTE_TRACE_SETTING,
  ROUTE_LOGGING,
  ROUTE_REPOSITORY_INDEX,
  ROUTE_REPOSITORY_LOAD,
  ROUTE_REPOSITORY_UNLOAD,
  ROUTE_SYSTEM_SHM_STATUS,
  ROUTE_SYSTEM_SHM_REGISTER,
  ROUTE_SYSTEM_SHM_UNREGISTER,
  ROUTE_CUDA_SHM_STATUS,
  ROUTE_CUDA_SHM_REGISTER,
  ROUTE_CUDA_SHM_UNREGISTER,
} route_kind;

enum { ROUTE_NAME_MAX = 256 };

enum { ROUTE_GET = 1, ROUTE_POST = 2 };

typedef struct route {
  route_kind kind;
  int http_status;        /* 0 when routed; else 404, 405 or 400 with `error` */
  const char *error;      /* static text for the error body, or NULL */
  unsigned category;      /* RESTRICT_* bit (cli.h) this endpoint belongs to */
  char model[ROUTE_NAME_MAX];      /* decoded model name, "" if none */
  int64_t version;                 /* -1 when the URL has no /versions/<v> */
  char region[ROUTE_NAME_MAX];     /* decoded shared-memory region, "" if none */
  char repository[ROUTE_NAME_MAX]; /* decoded repository name, "" if none */
  char error_buffer[ROUTE_NAME_MAX + 128]; /* storage for a formatted `error` */
} route;

/*
 * Route `method` ("GET", "POST", ...) + `path` (raw, still percent-encoded, no query).
 * Fills `out` completely. A kind with http_status 405 means the path exists but the
 * method does not; 400 means a bad version or name in the path.
 */
void router_route(const char *method, const char *path, route *out);

/* Percent-decode `in` (length `len`) into `out` (capacity `cap`, NUL-terminated). Returns
 * the decoded length, or -1 on a malformed escape, a decoded NUL, or overflow. */
int router_percent_decode(const char *in, int len, char *out, int cap);

#endif
