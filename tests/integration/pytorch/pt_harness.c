/*
 * pt_harness.c: the PyTorch integration-test helpers (see pt_harness.h).
 */
#include "pt_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *pt_models_dir = NULL;

void pt_harness_init(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <generated models dir> [backend dir]\n", argv[0]);
    exit(2);
  }
  pt_models_dir = argv[1];
}

static TRITONSERVER_Server *start_server(const char *repo, bool strict, char **log_path) {
  *log_path = strdup("/tmp/torchd_pt_log_XXXXXX");
  int fd = mkstemp(*log_path);
  if (fd < 0) fail_msg("mkstemp: %s", strerror(errno));
  close(fd);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetLogFile(options, *log_path), "log file");
  check_ok(TRITONSERVER_ServerOptionsSetLogInfo(options, true), "log info");
  check_ok(TRITONSERVER_ServerOptionsSetLogWarn(options, true), "log warn");
  check_ok(TRITONSERVER_ServerOptionsSetLogError(options, true), "log error");
  check_ok(TRITONSERVER_ServerOptionsSetStrictModelConfig(options, strict), "strict config");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  return server;
}

TRITONSERVER_Server *pt_server_start(const char *repo, char **log_path) {
  return start_server(repo, true, log_path);
}

TRITONSERVER_Server *pt_group_server(const char *group, char **log_path) {
  char *repo = pt_repo_path(group);
  TRITONSERVER_Server *server = start_server(repo, true, log_path);
  free(repo);
  return server;
}

TRITONSERVER_Server *pt_server_start_lenient(const char *repo, char **log_path) {
  return start_server(repo, false, log_path);
}

void pt_server_stop(TRITONSERVER_Server *server, char *log_path) {
  server_stop(server);
  unlink(log_path);
  free(log_path);
}

TRITONSERVER_Error *pt_load(TRITONSERVER_Server *server, const char *model) {
  return TRITONSERVER_ServerLoadModel(server, model);
}

void pt_load_ok(TRITONSERVER_Server *server, const char *model) {
  char what[256];
  snprintf(what, sizeof(what), "loading model '%s'", model);
  check_ok(pt_load(server, model), what);
}

size_t pt_log_count(const char *log_path, const char *fragment) {
  FILE *file = fopen(log_path, "r");
  if (file == NULL) fail_msg("cannot read log %s", log_path);
  char *line = NULL;
  size_t capacity = 0, count = 0;
  while (getline(&line, &capacity, file) >= 0) count += strstr(line, fragment) != NULL;
  free(line);
  fclose(file);
  return count;
}

char *pt_repo_path(const char *group) {
  char *path = NULL;
  if (asprintf(&path, "%s/%s", pt_models_dir, group) < 0) fail_msg("out of memory");
  return path;
}

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  if (in == NULL) fail_msg("cannot read %s", from);
  FILE *out = fopen(to, "wb");
  if (out == NULL) fail_msg("cannot write %s", to);
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0) fwrite(buffer, 1, n, out);
  fclose(in);
  fclose(out);
}

void pt_repo_add_as(const char *repo, const char *name, const char *config, const char *source,
                    const char *file_name, int version_count) {
  int versions[16] = {0};
  for (int v = 0; v < version_count && v < 16; ++v) versions[v] = v + 1;
  repo_add_model(repo, name, config, versions, (size_t)version_count);
  char from[1024], to[1024];
  snprintf(from, sizeof(from), "%s/%s", pt_models_dir, source);
  for (int v = 1; v <= version_count; ++v) {
    snprintf(to, sizeof(to), "%s/%s/%d/%s", repo, name, v, file_name);
    copy_file(from, to);
  }
}

void pt_repo_add(const char *repo, const char *name, const char *config, const char *source,
                 int version_count) {
  pt_repo_add_as(repo, name, config, source, "model.pt", version_count);
}

infer_call *pt_infer_fp32(TRITONSERVER_Server *server, const char *model, const char *input,
                          const int64_t *shape, uint64_t dims, const float *data) {
  size_t count = 1;
  for (uint64_t d = 0; d < dims; ++d) count *= (size_t)shape[d];
  infer_call *call = call_new(server, model, -1, NULL);
  call_add_input(call, input, TRITONSERVER_TYPE_FP32, shape, dims, data, count * sizeof(float));
  call_run(server, call);
  return call;
}

void *pt_bytes(const char *const *strings, size_t count, size_t *byte_size) {
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += 4 + strlen(strings[i]);
  unsigned char *buffer = malloc(total + 1), *cursor = buffer;
  assert_non_null(buffer);
  for (size_t i = 0; i < count; ++i) {
    uint32_t length = (uint32_t)strlen(strings[i]);
    memcpy(cursor, &length, 4);
    memcpy(cursor + 4, strings[i], length);
    cursor += 4 + length;
  }
  *byte_size = total;
  return buffer;
}

void pt_output(infer_call *call, const char *name, TRITONSERVER_DataType *datatype,
               const int64_t **shape, uint64_t *dims, const void **base, size_t *byte_size) {
  assert_non_null(call->response);
  uint32_t count = 0;
  check_ok(TRITONSERVER_InferenceResponseOutputCount(call->response, &count), "OutputCount");
  for (uint32_t i = 0; i < count; ++i) {
    const char *output_name = NULL;
    TRITONSERVER_MemoryType memory_type;
    int64_t memory_type_id;
    void *userp;
    check_ok(TRITONSERVER_InferenceResponseOutput(call->response, i, &output_name, datatype,
                                                  shape, dims, base, byte_size, &memory_type,
                                                  &memory_type_id, &userp),
             "InferenceResponseOutput");
    if (strcmp(output_name, name) == 0) {
      assert_int_equal(memory_type, TRITONSERVER_MEMORY_CPU);
      return;
    }
  }
  fail_msg("response has no output '%s' (%u outputs)", name, count);
}
