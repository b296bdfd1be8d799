/*
 * infer_handler.h — POST /v2/models/<m>[/versions/<v>]/infer, asynchronously.
 *
 * The handler parses the body (infer_request_parse.c), builds a
 * TRITONSERVER_InferenceRequest whose inputs point into the body (or a shared-memory
 * region), suspends the MHD connection and calls TRITONSERVER_ServerInferAsync. The
 * core's completion callback writes the reply (JSON + binary outputs straight from the
 * buffers our allocator handed out) and resumes the connection. No thread waits.
 */
#ifndef TORCHD_FRONTEND_INFER_HANDLER_H
#define TORCHD_FRONTEND_INFER_HANDLER_H

#include "http_server.h"

/* Start an inference for `r`. Either sets an error reply, or sets r->infer and suspends
 * the connection (the reply comes later through infer_take_reply). */
void infer_handle(http_request *r);

/* On the resumed call: move the finished reply of r->infer into r. */
void infer_take_reply(http_request *r);

/* The HTTP side is done with r->infer (request completed or connection closed). */
void infer_release_from_http(http_request *r);

/* Shutdown after --exit-timeout-secs: answer every inference still running with 503 and
 * resume its connection, so the HTTP daemon can stop (MHD refuses to stop with suspended
 * connections). Results that arrive later are dropped. */
void infer_abandon_all(frontend *fe);




#endif
