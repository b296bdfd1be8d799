/* harness.h — what every core integration test needs, on top of tritonserver.h only:
 * a temporary model repository written by the test, a server on it using the identity
 * backend from the build tree, a CPU response allocator, and asynchronous inference
 * calls a test can wait on and inspect.
 *
 * All helpers fail the running cmocka test (they do not return errors) when the
 * harness itself cannot do its job, so tests read as straight-line scenarios. */
#ifndef TORCHD_TEST_HARNESS_H
#define TORCHD_TEST_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "triton/core/tritonserver.h"

/* ---- repositories ------------------------------------------------------------------ */

/* Creates a new empty temporary directory; returns its path (caller frees). */
char *repo_create(void);

/* Writes <repo>/<model>/config.pbtxt with 'config' and creates the version directories
 * listed in 'versions' (may be NULL when count is 0). */
void repo_add_model(const char *repo, const char *model, const char *config, const int *versions,
                    size_t version_count);

/* Removes a directory tree (a model or a whole repository). */
void repo_remove_tree(const char *path);

/* ---- server ------------------------------------------------------------------------ */

/* Options every test starts from: the repository, the build tree's backend directory,
 * exit_on_error off (a bad model must not stop the server), quiet info logging.
 * The caller owns the options. */
TRITONSERVER_ServerOptions *server_options(const char *repo, TRITONSERVER_ModelControlMode mode);

/* TRITONSERVER_ServerNew that fails the test on error. The caller owns the server. */
TRITONSERVER_Server *server_start(TRITONSERVER_ServerOptions *options);

/* Stops and deletes the server, failing the test on error. */
void server_stop(TRITONSERVER_Server *server);

/* The common case: a new repository holding version 1 of one model 'model' with
 * 'config', and a server (control mode NONE) on which that model is ready. *repo gets
 * the repository path (caller frees, or passes both to server_finish). */
TRITONSERVER_Server *server_with_model(char **repo, const char *model, const char *config);

/* Stops the server and removes and frees the repository. */
void server_finish(TRITONSERVER_Server *server, char *repo);

/* Fails the test with the error's code and message when 'error' is not NULL. */
void check_ok(TRITONSERVER_Error *error, const char *what);

/* Asserts 'error' has 'code' (ANY_CODE: any) and a message containing 'fragment'
 * (NULL: any), then deletes it. */
#define ANY_CODE ((TRITONSERVER_Error_Code)-1)
void check_error(TRITONSERVER_Error *error, TRITONSERVER_Error_Code code, const char *fragment);

/* Parses a message the test owns into JSON (caller puts) and deletes the message. */
json_object *message_json(TRITONSERVER_Message *message);

/* Returns the state string of model/version in the repository index ("READY", ...),
 * or NULL when the index does not list it. 'version' NULL matches any entry of the
 * model. Caller frees the result. */
char *index_state(TRITONSERVER_Server *server, const char *model, const char *version);

bool model_ready(TRITONSERVER_Server *server, const char *model, int64_t version);

/* ---- inference --------------------------------------------------------------------- */

/* One asynchronous inference: the request, and what the callbacks saw. */
typedef struct infer_call {
  TRITONSERVER_InferenceRequest *request; /* owned by the call once released */
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int response_count;                       /* responses (non-NULL) delivered */
  int final_count;                          /* FINAL flags delivered */
  int release_count;                        /* release callbacks */
  TRITONSERVER_InferenceResponse *response; /* the last response; owned by the call */
  TRITONSERVER_Error_Code error_code;       /* of the response or of InferAsync */
  char *error_message;                      /* NULL: success; owned */
  bool sync_error;                          /* InferAsync itself failed */
  uint64_t completed_ns;                    /* CLOCK_MONOTONIC when FINAL arrived */
  pthread_t final_thread;                   /* the thread that delivered FINAL */
  int sequence;                             /* global completion order, from 1 */
  void **input_copies;                      /* input data copies, owned */
  size_t input_copy_count;
} infer_call;

/* Makes a request for model/version with an optional id (NULL: none). */
infer_call *call_new(TRITONSERVER_Server *server, const char *model, int64_t version,
                     const char *id);

/* Adds input 'name' with one buffer holding a copy of 'data' (the call owns the copy,
 * so the test's buffer may go away). */
void call_add_input(infer_call *call, const char *name, TRITONSERVER_DataType datatype,
                    const int64_t *shape, uint64_t dims, const void *data, size_t byte_size);

/* Adds input 'name' whose data is split into 'parts' appended buffers. */
void call_add_input_split(infer_call *call, const char *name, TRITONSERVER_DataType datatype,
                          const int64_t *shape, uint64_t dims, const void *data, size_t byte_size,
                          int parts);

/* Makes the call's outputs come from 'allocator' (owned by the caller) instead of the
 * harness's malloc allocator; the call's callbacks stay the same. */
void call_set_allocator(infer_call *call, TRITONSERVER_ResponseAllocator *allocator,
                        void *allocator_userp);

/* Sends the call. If InferAsync fails, the error is recorded in the call (sync_error)
 * and the call counts as finished. */
void call_send(TRITONSERVER_Server *server, infer_call *call);

/* Waits until the call has its FINAL response and its release (or failed at send).
 * Fails the test after 'timeout_ms'. */
void call_wait(infer_call *call, int timeout_ms);

/* Frees the call: its request, response and copies. */
void call_free(infer_call *call);

/* Convenience: send and wait (10 s). */
void call_run(TRITONSERVER_Server *server, infer_call *call);

/* An output tensor of a response; everything points into the response. */
typedef struct tensor_view {
  TRITONSERVER_DataType datatype;
  const int64_t *shape;
  uint64_t dims;
  const void *base;
  size_t byte_size;
} tensor_view;

/* Finds output 'name' in the call's response (CPU memory); fails the test when absent. */
tensor_view call_tensor(infer_call *call, const char *name);

/* Finds response parameter 'name': its type and value (const char* characters for
 * STRING, else a pointer to int64_t / bool / double), owned by the response. Returns
 * false when absent. */
bool call_parameter(infer_call *call, const char *name, TRITONSERVER_ParameterType *type,
                    const void **value);

/* Makes a finished call ready to send its request again (Triton lets a client reuse a
 * request once it is released): drops the response and zeroes the counters. */
void call_reset(infer_call *call);

/* Returns the INT response parameter 'name'; fails the test when absent. */
int64_t call_int_parameter(infer_call *call, const char *name);

/* Returns the STRING response parameter 'name' (owned by the response), or NULL. */
const char *call_string_parameter(infer_call *call, const char *name);

/* Asserts the call succeeded (prints the error otherwise). */
void check_call_ok(infer_call *call);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

#endif
