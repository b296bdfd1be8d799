/*
 * pt_harness.h: what the PyTorch backend's integration tests add to the core's harness
 * (tests/integration/core/harness.h, reused as is): a server on a generated repository
 * with its log captured in a file, counting log lines, small repositories assembled from
 * generated models with a config of the test's own, and typed inference helpers.
 *
 * Every test program takes two arguments: the generated models directory (with
 * pytorch/, faulty/, bf16/) and the backend directory of the build tree.
 */
#ifndef TORCHD_PT_HARNESS_H
#define TORCHD_PT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* Set from argv by pt_harness_init. */
extern const char *pt_models_dir;

void pt_harness_init(int argc, char **argv);

/* A server in EXPLICIT control mode on `repo` (no model loaded), logging INFO, WARN and
 * ERROR lines to a fresh file whose path is written to log_path (caller frees). */
TRITONSERVER_Server *pt_server_start(const char *repo, char **log_path);
/* pt_server_start on the generated repository <models>/<group>. */
TRITONSERVER_Server *pt_group_server(const char *group, char **log_path);
/* The same with strict model config off, so backends may auto-complete configs. */
TRITONSERVER_Server *pt_server_start_lenient(const char *repo, char **log_path);
/* Stops the server and removes its log file (frees log_path). */
void pt_server_stop(TRITONSERVER_Server *server, char *log_path);

/* Loads `model`; returns the load error (caller deletes) or NULL. */
TRITONSERVER_Error *pt_load(TRITONSERVER_Server *server, const char *model);
/* Loads `model` and fails the test when it does not load. */
void pt_load_ok(TRITONSERVER_Server *server, const char *model);

/* Lines of the log file that contain `fragment`. */
size_t pt_log_count(const char *log_path, const char *fragment);

/* <models>/<group> (caller frees). */
char *pt_repo_path(const char *group);

/* Adds model `name` to test repository `repo`: `config` as config.pbtxt, and for each of
 * `version_count` versions 1..n a copy of the generated model file `source`
 * (relative to the models directory, e.g. "pytorch/identity_fp32/1/model.pt"). */
void pt_repo_add(const char *repo, const char *name, const char *config, const char *source,
                 int version_count);

/* pt_repo_add with the copies named `file_name` (e.g. "model.pt2", "model.py"). */
void pt_repo_add_as(const char *repo, const char *name, const char *config, const char *source,
                    const char *file_name, int version_count);

/* Runs one FP32 inference with one input and waits for it. The caller frees the call. */
infer_call *pt_infer_fp32(TRITONSERVER_Server *server, const char *model, const char *input,
                          const int64_t *shape, uint64_t dims, const float *data);

/* Finds output `name` in the call's response (CPU memory; pointers into the response);
 * fails the test when absent. */
void pt_output(infer_call *call, const char *name, TRITONSERVER_DataType *datatype,
               const int64_t **shape, uint64_t *dims, const void **base, size_t *byte_size);

/* Serializes `count` strings length-prefixed into a new buffer (caller frees). */
void *pt_bytes(const char *const *strings, size_t count, size_t *byte_size);

#endif
