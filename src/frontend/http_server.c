/*
 * http_server.c — libmicrohttpd glue for the KServe v2 endpoint (see http_server.h).
 *
 * Request lifecycle inside MHD's access callback:
 *   1st call       → allocate http_request, route the URL; reject over-limit
 *                    Content-Length at once (413)
 *   upload calls   → append body bytes (chunked bodies too) up to --http-max-input-size
 *   final call     → restricted-API check, dispatch to the handler, queue its reply —
 *                    or, for inference, suspend the connection (no thread waits)
 *   resumed call   → the completion callback finished the reply: queue it
 * NOTIFY_COMPLETED frees the http_request.
 */
#include "http_server.h"

#include "errfmt.h"
#include "http_compress.h"
#include "http_handlers.h"
#include "infer_handler.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

unsigned http_status_from_code(TRITONSERVER_Error_Code code) {
  switch (code) {
  case TRITONSERVER_ERROR_INTERNAL: return MHD_HTTP_INTERNAL_SERVER_ERROR;
  case TRITONSERVER_ERROR_NOT_FOUND: return MHD_HTTP_NOT_FOUND;
  case TRITONSERVER_ERROR_UNAVAILABLE: return MHD_HTTP_SERVICE_UNAVAILABLE;
  case TRITONSERVER_ERROR_UNSUPPORTED: return MHD_HTTP_NOT_IMPLEMENTED;
  default: return MHD_HTTP_BAD_REQUEST;
  }
}

void http_reply_buffer(http_request *r, unsigned status, char *data, size_t len,
                       const char *content_type) {
  if (r->response != NULL) MHD_destroy_response(r->response);
  r->response = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
  r->status = status;
  if (r->response != NULL && content_type != NULL)
    MHD_add_response_header(r->response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
}

void http_reply_strbuf(http_request *r, unsigned status, strbuf *json) {
  size_t len = 0;
  char *data = strbuf_detach(json, &len);
  if (data == NULL) {
    http_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    return;
  }
  http_reply_buffer(r, status, data, len, "application/json");
}

void http_reply_empty(http_request *r, unsigned status) {
  http_reply_buffer(r, status, NULL, 0, NULL);
}

void http_reply_error(http_request *r, unsigned status, const char *message) {
  strbuf b;
  strbuf_init(&b);
  strbuf_puts(&b, "{\"error\":");
  strbuf_json_string(&b, message, strlen(message));
  strbuf_puts(&b, "}");
  size_t len = 0;
  char *data = strbuf_detach(&b, &len);
  http_reply_buffer(r, status, data, data ? len : 0, "application/json");
}

void http_reply_core_error(http_request *r, TRITONSERVER_Error *err) {
  http_reply_error(r, http_status_from_code(TRITONSERVER_ErrorCode(err)),
                   TRITONSERVER_ErrorMessage(err));
  TRITONSERVER_ErrorDelete(err);
}

const char *http_header(http_request *r, const char *name) {
  return MHD_lookup_connection_value(r->connection, MHD_HEADER_KIND, name);
}

/* --http-restricted-api: the endpoint's category needs its header key and value. */
static bool restricted_denied(http_request *r) {
  const cli_options *o = r->fe->options;
  for (size_t i = 0; i < o->restriction_count; ++i) {
    const cli_restriction *rule = &o->restrictions[i];
    if ((rule->categories & r->route.category) == 0) continue;
    const char *value = http_header(r, rule->header_key);
    if (value != NULL && strcmp(value, rule->header_value) == 0) return false;
    char *message = errfmt("This API is restricted, expecting header '%s'", rule->header_key);
    http_reply_error(r, MHD_HTTP_FORBIDDEN, message);
    free(message);
    return true;
  }
  return false;
}

/* Content-Encoding gzip/deflate: replace the body by its decompressed form. Replies 400
 * and returns false on an unknown encoding or corrupt data. */
static bool inflate_body(http_request *r) {
  const char *value = http_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING);
  content_encoding encoding = compress_parse_content_encoding(value);
  if (encoding == ENCODING_IDENTITY) return true;
  if (encoding == ENCODING_UNKNOWN) {
    char *message = errfmt("unsupported Content-Encoding '%s'; expected gzip, deflate or "
                           "identity",
                           value);
    http_reply_error(r, MHD_HTTP_BAD_REQUEST, message);
    free(message);
    return false;
  }
  char *plain = NULL;
  size_t plain_size = 0;
  char *message = compress_inflate(r->body ? r->body : "", r->body_size,
                                   r->fe->options->http_max_input_size, &plain, &plain_size);
  if (message != NULL) {
    http_reply_error(r, strstr(message, "limit") ? 413 : MHD_HTTP_BAD_REQUEST, message);
    free(message);
    return false;
  }
  free(r->body);
  r->body = plain;
  r->body_size = plain_size;
  r->body_cap = plain_size;
  return true;
}

static void dispatch(http_request *r) {
  if (r->route.http_status != 0) {
    http_reply_error(r, (unsigned)r->route.http_status, r->route.error);
    return;
  }
  if (restricted_denied(r)) return;
  if (r->too_large) {
    char *message = errfmt("request body exceeds the maximum allowed value of %llu bytes. "
                           "Use --http-max-input-size to increase the limit.",
                           (unsigned long long)r->fe->options->http_max_input_size);
    http_reply_error(r, 413, message);
    free(message);
    return;
  }
  if (!inflate_body(r)) return;
  if (atomic_load(&r->fe->draining) && r->route.kind != ROUTE_HEALTH_LIVE) {
    http_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "Server is shutting down");
    return;
  }
  handlers_dispatch(r);
}

static bool append_body(http_request *r, const char *data, size_t size) {
  uint64_t limit = r->fe->options->http_max_input_size;
  if (r->too_large || r->body_size + size > limit) {
    r->too_large = true;
    free(r->body);
    r->body = NULL;
    r->body_size = r->body_cap = 0;
    return true;
  }
  if (r->body_size + size + 1 > r->body_cap) {
    size_t cap = r->body_cap ? r->body_cap : 4096;
    while (cap < r->body_size + size + 1) cap *= 2;
    char *grown = realloc(r->body, cap);
    if (grown == NULL) return false;
    r->body = grown;
    r->body_cap = cap;
  }
  memcpy(r->body + r->body_size, data, size);
  r->body_size += size;
  r->body[r->body_size] = '\0';
  return true;
}

static enum MHD_Result queue_reply(http_request *r) {
  if (r->response == NULL) return MHD_NO; /* allocation failed: drop the connection */
  enum MHD_Result result = MHD_queue_response(r->connection, r->status, r->response);
  MHD_destroy_response(r->response);
  r->response = NULL;
  return result;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *connection,
                                      const char *url, const char *method,
                                      const char *version, const char *upload_data,
                                      size_t *upload_data_size, void **con_cls) {
  (void)version;
  frontend *fe = cls;
  http_request *r = *con_cls;
  if (r == NULL) {
    r = calloc(1, sizeof(*r));
    if (r == NULL) return MHD_NO;
    r->fe = fe;
    r->connection = connection;
    r->method = method;
    router_route(method, url, &r->route);
    *con_cls = r;
    const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length != NULL) {
      unsigned long long declared = strtoull(length, NULL, 10);
      if (declared > fe->options->http_max_input_size) r->too_large = true;
      else if (declared > 0) {
        r->body = malloc((size_t)declared + 1);
        if (r->body == NULL) return MHD_NO;
        r->body_cap = (size_t)declared + 1;
      }
    }
    if (r->too_large) { /* answer now instead of reading a body we would discard */
      dispatch(r);
      r->dispatched = true;
      return queue_reply(r);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    if (!r->dispatched && !append_body(r, upload_data, *upload_data_size)) return MHD_NO;
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (r->infer != NULL) { /* resumed after the completion callback */
    infer_take_reply(r);
    return queue_reply(r);
  }
  if (r->dispatched) return MHD_YES;
  r->dispatched = true;
  dispatch(r);
  if (r->infer != NULL && r->response == NULL) return MHD_YES; /* suspended */
  return queue_reply(r);
}

/* Counts open connections for frontend_clients_all_waiting. */
static void connection_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                              enum MHD_ConnectionNotificationCode code) {
  (void)connection;
  (void)socket_context;
  frontend *fe = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&fe->open_connections, 1);
  else if (code == MHD_CONNECTION_NOTIFY_CLOSED) atomic_fetch_sub(&fe->open_connections, 1);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)connection;
  (void)toe;
  http_request *r = *con_cls;
  if (r == NULL) return;
  if (r->response != NULL) MHD_destroy_response(r->response);
  if (r->infer != NULL) infer_release_from_http(r);
  free(r->body);
  free(r);
  *con_cls = NULL;
}

/* Keep the raw URL: the router percent-decodes each path segment itself, so an encoded
 * '/' can never turn into a path separator. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
  (void)cls;
  (void)c;
  return strlen(s);
}

bool http_socket_address(const char *flag, const char *address, int port,
                         struct sockaddr_in *out, char **error) {
  memset(out, 0, sizeof(*out));
  out->sin_family = AF_INET;
  out->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &out->sin_addr) == 1) return true;
  *error = errfmt("%s expects an IPv4 address, got '%s'", flag, address);
  return false;
}

struct MHD_Daemon *http_server_start(frontend *fe, const char *address, int port,
                                     unsigned threads, char **error) {
  struct sockaddr_in addr;
  if (!http_socket_address("--http-address", address, port, &addr, error)) return NULL;
  struct MHD_Daemon *daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL,
      NULL, access_handler, fe, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, request_completed,
      NULL, MHD_OPTION_NOTIFY_CONNECTION, connection_notify, fe, MHD_OPTION_UNESCAPE_CALLBACK,
      keep_escaped, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300,
      /* --reuse-http-port: 1 sets SO_REUSEPORT (with SO_REUSEADDR) on the listen socket,
       * so servers that all set it share the port; 0 is MHD's default (SO_REUSEADDR). */
      MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)(fe->options->reuse_http_port ? 1 : 0),
      MHD_OPTION_END);
  if (daemon == NULL)
    *error = errfmt("failed to start the HTTP service at %s:%d (is the port in use?)",
                    address, port);
  return daemon;
}
