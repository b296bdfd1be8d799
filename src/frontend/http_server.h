/*
 * http_server.h — the KServe v2 HTTP/REST endpoint on libmicrohttpd, and the reply
 * helpers every handler uses.
 *
 * Why: one place owns the MHD details — thread pool, body accumulation with the size
 * limit, routing, restricted-API checks, and suspend/resume for inference answered from
 * the core's completion callback — so handlers only build answers.
 */
#ifndef TORCHD_FRONTEND_HTTP_SERVER_H
#define TORCHD_FRONTEND_HTTP_SERVER_H

#include "frontend.h"
#include "router.h"
#include "strbuf.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>

typedef struct infer_call infer_call;

/* One HTTP request while MHD processes it. Owned by http_server.c. */
typedef struct http_request {
  frontend *fe;
  struct MHD_Connection *connection;
  const char *method; /* MHD's, valid for the request */
  route route;
  char *body;         /* the whole body once received (malloc'd; may move to infer) */
  size_t body_size;
  size_t body_cap;
  bool too_large;
  bool dispatched;
  struct MHD_Response *response; /* the answer to queue, once ready */
  unsigned int status;
  infer_call *infer;  /* set while an inference is in flight (connection suspended) */
} http_request;

/* Start the HTTP daemon on the options' address/port. Returns NULL on failure with a
 * message in *error (malloc'd). */
struct MHD_Daemon *http_server_start(frontend *fe, const char *address, int port,
                                     unsigned threads, char **error);

/* IPv4 `address` + `port` → socket address; false with *error (malloc'd) naming `flag`
 * when the address does not parse. */
bool http_socket_address(const char *flag, const char *address, int port,
                         struct sockaddr_in *out, char **error);

/* Reply helpers: each replaces any reply already set. */
void http_reply_buffer(http_request *r, unsigned status, char *data, size_t len,
                       const char *content_type); /* takes ownership of `data` */
void http_reply_strbuf(http_request *r, unsigned status, strbuf *json); /* JSON; takes it */
void http_reply_empty(http_request *r, unsigned status);
void http_reply_error(http_request *r, unsigned status, const char *message);
/* Reply with a core error (status from its code) and delete `err`. */
void http_reply_core_error(http_request *r, TRITONSERVER_Error *err);
/* HTTP status for a TRITONSERVER_Error_Code (spec §4.5). */
unsigned http_status_from_code(TRITONSERVER_Error_Code code);
/* Header value of the request, or NULL. */
const char *http_header(http_request *r, const char *name);

#endif
