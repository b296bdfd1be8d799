/*
 * fuzz_validate.c — libFuzzer target for the core's inference-request validator, driven
 * only through the PUBLIC API (tritonserver.h), as an embedding program or the HTTP
 * frontend would: TRITONSERVER_InferenceRequest* built from fuzz bytes, then
 * TRITONSERVER_ServerInferAsync against models loaded with the identity backend from a
 * small repository written at start-up (see MODELS below).
 *
 * Why this exists: the validator is the last line between a client and a backend; the
 * frontend's parser fuzzers (fuzz_infer_json) stop before it. Any shape, datatype,
 * name, batch, byte-size, buffer-split, requested-output or flag combination must end in
 * either a clean error or a correct response — never a crash, a leak, or a broken
 * callback contract. The contract checked here on every input:
 *   - InferAsync fails  → the request stays the caller's: no callback ever runs;
 *   - InferAsync succeeds → exactly one FINAL response and one RELEASE_ALL arrive;
 *   - a successful identity response echoes INPUT0's bytes exactly.
 *
 * Input layout (a byte cursor; a short input reads as zeros): model, version, input
 * count, per input a name, datatype, dims and data split into 1..3 buffers, requested
 * outputs, then optional id / correlation id / priority / timeout / flags.
 *
 * Build: CC=clang-14 cmake -DTORCHD_FUZZ=ON -DTORCHD_WITH_TORCH=OFF; target fuzz_validate
 * (tests/reliability/CMakeLists.txt); seeds in tests/fuzz/corpus/validate/.
 */
#include "triton/core/tritonserver.h"

#include <ftw.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TORCHD_FUZZ_BACKEND_DIR
#error "TORCHD_FUZZ_BACKEND_DIR must name the folder holding identity/libtriton_identity.so"
#endif

/* ---- the repository -------------------------------------------------------------------- */

#define TENSOR(io, name, type, dims) \
  io " [ { name: \"" name "\" data_type: " type " dims: [ " dims " ] } ]\n"

static const struct {
  const char *name;
  const char *config;
} MODELS[] = {
    {"fixed", "backend: \"identity\" max_batch_size: 0\n"
              "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] },\n"
              "        { name: \"INPUT1\" data_type: TYPE_INT32 dims: [ 2, -1 ] } ]\n"
              "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] },\n"
              "         { name: \"OUTPUT1\" data_type: TYPE_INT32 dims: [ 2, -1 ] } ]\n"},
    {"batched", "backend: \"identity\" max_batch_size: 8 dynamic_batching { }\n"
                TENSOR("input", "INPUT0", "TYPE_FP32", "-1")
                TENSOR("output", "OUTPUT0", "TYPE_FP32", "-1")},
    {"strings", "backend: \"identity\" max_batch_size: 0\n"
                TENSOR("input", "INPUT0", "TYPE_STRING", "-1")
                TENSOR("output", "OUTPUT0", "TYPE_STRING", "-1")},
    {"reshaped", "backend: \"identity\" max_batch_size: 4\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_INT8 dims: [ 2, 2 ] "
                 "reshape: { shape: [ 4 ] } } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_INT8 dims: [ 4 ] "
                 "reshape: { shape: [ 2, 2 ] } } ]\n"},
    {"optional", "backend: \"identity\" max_batch_size: 2\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_BOOL dims: [ 3 ] },\n"
                 "        { name: \"INPUT1\" data_type: TYPE_UINT64 dims: [ 1 ] optional: true } ]\n"
                 TENSOR("output", "OUTPUT0", "TYPE_BOOL", "3")},
};
enum { MODEL_COUNT = sizeof(MODELS) / sizeof(MODELS[0]) };

static TRITONSERVER_Server *server;
static TRITONSERVER_ResponseAllocator *allocator;
static char repo[] = "/tmp/torchd_fuzz_validate_XXXXXX";

static void die(const char *what, TRITONSERVER_Error *error) {
  fprintf(stderr, "fuzz_validate: %s: %s\n", what,
          error ? TRITONSERVER_ErrorMessage(error) : "contract broken");
  abort();
}

static void write_repository(char *dir) {
  if (mkdtemp(dir) == NULL) die("mkdtemp", NULL);
  char path[512];
  for (int i = 0; i < MODEL_COUNT; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, MODELS[i].name);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/1", dir, MODELS[i].name);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/config.pbtxt", dir, MODELS[i].name);
    FILE *f = fopen(path, "w");
    if (f == NULL) die("writing the repository", NULL);
    fprintf(f, "name: \"%s\"\n%s", MODELS[i].name, MODELS[i].config);
    fclose(f);
  }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

/* At exit: the repository goes (the server is left running; the process is ending). */
static void remove_repository(void) {
  nftw(repo, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Output buffers: plain malloc, released by the core through cpu_release. */
static TRITONSERVER_Error *cpu_alloc(TRITONSERVER_ResponseAllocator *a, const char *name,
                                     size_t size, TRITONSERVER_MemoryType type, int64_t type_id,
                                     void *userp, void **buffer, void **buffer_userp,
                                     TRITONSERVER_MemoryType *actual_type,
                                     int64_t *actual_type_id) {
  (void)a, (void)name, (void)type, (void)type_id, (void)userp;
  *buffer = size ? malloc(size) : NULL;
  *buffer_userp = NULL;
  *actual_type = TRITONSERVER_MEMORY_CPU;
  *actual_type_id = 0;
  return size && *buffer == NULL ? TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "oom") : NULL;
}

static TRITONSERVER_Error *cpu_release(TRITONSERVER_ResponseAllocator *a, void *buffer,
                                       void *buffer_userp, size_t size,
                                       TRITONSERVER_MemoryType type, int64_t type_id) {
  (void)a, (void)buffer_userp, (void)size, (void)type, (void)type_id;
  free(buffer);
  return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  write_repository(repo);
  atexit(remove_repository);
  TRITONSERVER_ServerOptions *options = NULL;
  TRITONSERVER_Error *e = TRITONSERVER_ServerOptionsNew(&options);
  if (!e) e = TRITONSERVER_ServerOptionsSetModelRepositoryPath(options, repo);
  if (!e) e = TRITONSERVER_ServerOptionsSetBackendDirectory(options, TORCHD_FUZZ_BACKEND_DIR);
  if (!e) e = TRITONSERVER_ServerOptionsSetStrictModelConfig(options, true);
  if (!e) e = TRITONSERVER_ServerOptionsSetLogInfo(options, false);
  if (!e) e = TRITONSERVER_ServerNew(&server, options);
  if (!e) e = TRITONSERVER_ResponseAllocatorNew(&allocator, cpu_alloc, cpu_release, NULL);
  if (e) die("server start", e);
  TRITONSERVER_ServerOptionsDelete(options);
  for (int i = 0; i < MODEL_COUNT; i++) {
    bool ready = false;
    e = TRITONSERVER_ServerModelIsReady(server, MODELS[i].name, -1, &ready);
    if (e || !ready) die(MODELS[i].name, e);
  }
  return 0;
}

/* ---- reading the fuzz input ----------------------------------------------------------- */

typedef struct cursor {
  const uint8_t *p;
  size_t left;
} cursor;

static uint8_t byte(cursor *c) {
  if (c->left == 0) return 0;
  c->left--;
  return *c->p++;
}

/* Dims worth trying: edges of the validator's arithmetic, plus a raw 16-bit value. */
static int64_t dim(cursor *c) {
  static const int64_t special[] = {-2, -1, 0, 1, 2, 3, 4, 8, 9, 65,
                                    INT32_MAX, (int64_t)1 << 32, (int64_t)1 << 62, INT64_MAX,
                                    INT64_MIN, 6};
  uint8_t b = byte(c);
  if (b < 0xF0) return special[b % 16];
  return (int64_t)(int16_t)(byte(c) | byte(c) << 8);
}

/* A tensor name: usually a real one, sometimes fuzz bytes (NUL-terminated, <= 15). */
static const char *name(cursor *c, const char *prefix, char *buf) {
  uint8_t b = byte(c);
  switch (b % 5) {
  case 0: case 1: case 2: snprintf(buf, 16, "%s%d", prefix, b % 3); return buf;
  case 3: return "";
  default: {
    size_t n = byte(c) % 16;
    size_t i = 0;
    for (; i < n && i < 15; i++) buf[i] = (char)byte(c);
    buf[i] = '\0';
    return buf;
  }
  }
}

/* ---- one request ---------------------------------------------------------------------- */

typedef struct call {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int finals, releases, responses;
  TRITONSERVER_InferenceResponse *response;
} call;

static void on_release(TRITONSERVER_InferenceRequest *request, const uint32_t flags, void *userp) {
  (void)request;
  call *k = userp;
  pthread_mutex_lock(&k->lock);
  if (flags & TRITONSERVER_REQUEST_RELEASE_ALL) k->releases++;
  pthread_cond_broadcast(&k->changed);
  pthread_mutex_unlock(&k->lock);
}

static void on_response(TRITONSERVER_InferenceResponse *response, const uint32_t flags,
                        void *userp) {
  call *k = userp;
  pthread_mutex_lock(&k->lock);
  if (response) {
    k->responses++;
    if (k->response) TRITONSERVER_InferenceResponseDelete(k->response);
    k->response = response;
  }
  if (flags & TRITONSERVER_RESPONSE_COMPLETE_FINAL) k->finals++;
  pthread_cond_broadcast(&k->changed);
  pthread_mutex_unlock(&k->lock);
}

/* Errors from building the request are expected; they are dropped. */
static void ignore(TRITONSERVER_Error *e) {
  if (e) TRITONSERVER_ErrorDelete(e);
}

/* A successful identity answer must carry INPUT0's bytes exactly. */
static void check_echo(TRITONSERVER_InferenceResponse *response, const char *model,
                       const void *sent, size_t sent_size) {
  uint32_t count = 0;
  if (TRITONSERVER_InferenceResponseError(response) != NULL) return;
  ignore(TRITONSERVER_InferenceResponseOutputCount(response, &count));
  for (uint32_t i = 0; i < count; i++) {
    const char *out_name;
    TRITONSERVER_DataType type;
    const int64_t *shape;
    uint64_t dims, size;
    const void *base;
    TRITONSERVER_MemoryType mem;
    int64_t mem_id;
    void *userp;
    TRITONSERVER_Error *e = TRITONSERVER_InferenceResponseOutput(
        response, i, &out_name, &type, &shape, &dims, &base, &size, &mem, &mem_id, &userp);
    if (e) die("InferenceResponseOutput", e);
    if (strcmp(out_name, "OUTPUT0") == 0 && sent != NULL &&
        (size != sent_size || (size && memcmp(base, sent, size) != 0))) {
      fprintf(stderr, "fuzz_validate: model '%s' answered OUTPUT0 with %llu bytes that differ "
              "from the %zu sent\n", model, (unsigned long long)size, sent_size);
      abort();
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cursor c = {data, size};
  const char *model = MODELS[byte(&c) % MODEL_COUNT].name;
  static const int64_t versions[] = {-1, 1, 2, 0};
  int64_t version = versions[byte(&c) % 4];
  TRITONSERVER_InferenceRequest *request = NULL;
  TRITONSERVER_Error *e = TRITONSERVER_InferenceRequestNew(&request, server, model, version);
  if (e) die("InferenceRequestNew", e);

  const void *input0 = NULL; /* INPUT0's single buffer, for the echo check */
  size_t input0_size = 0;
  int input0_buffers = 0;
  int inputs = byte(&c) % 5;
  for (int i = 0; i < inputs; i++) {
    char buf[16];
    const char *in_name = name(&c, "INPUT", buf);
    TRITONSERVER_DataType type = (TRITONSERVER_DataType)(byte(&c) % 15);
    int64_t shape[6];
    int dims = byte(&c) % 6;
    for (int d = 0; d < dims; d++) shape[d] = dim(&c);
    e = TRITONSERVER_InferenceRequestAddInput(request, in_name, type, shape, (uint64_t)dims);
    if (e) {
      ignore(e);
      continue;
    }
    int parts = 1 + byte(&c) % 3;
    for (int part = 0; part < parts; part++) {
      size_t n = byte(&c) % 65;
      if (n > c.left) n = c.left;
      ignore(TRITONSERVER_InferenceRequestAppendInputData(request, in_name, c.p, n,
                                                          TRITONSERVER_MEMORY_CPU, 0));
      if (strcmp(in_name, "INPUT0") == 0) {
        input0 = c.p;
        input0_size = n;
        input0_buffers++;
      }
      c.p += n;
      c.left -= n;
    }
  }
  int outputs = byte(&c) % 3;
  for (int i = 0; i < outputs; i++) {
    char buf[16];
    ignore(TRITONSERVER_InferenceRequestAddRequestedOutput(request, name(&c, "OUTPUT", buf)));
  }
  uint8_t extras = byte(&c);
  if (extras & 1) ignore(TRITONSERVER_InferenceRequestSetId(request, "fuzz"));
  if (extras & 2) ignore(TRITONSERVER_InferenceRequestSetCorrelationId(request, byte(&c)));
  if (extras & 4) ignore(TRITONSERVER_InferenceRequestSetPriorityUInt64(request, byte(&c)));
  if (extras & 8) ignore(TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(request, byte(&c) * 1000u));
  if (extras & 16) ignore(TRITONSERVER_InferenceRequestSetFlags(request, byte(&c) % 4));

  call k = {.finals = 0};
  pthread_mutex_init(&k.lock, NULL);
  pthread_cond_init(&k.changed, NULL);
  e = TRITONSERVER_InferenceRequestSetReleaseCallback(request, on_release, &k);
  if (!e) e = TRITONSERVER_InferenceRequestSetResponseCallback(request, allocator, NULL,
                                                              on_response, &k);
  if (e) die("setting callbacks", e);

  e = TRITONSERVER_ServerInferAsync(server, request, NULL);
  if (e) {
    /* Refused: the request is still ours and no callback may have run. */
    ignore(e);
    if (k.finals || k.releases || k.responses) die("callback after a refused InferAsync", NULL);
  } else {
    pthread_mutex_lock(&k.lock);
    while (k.finals == 0 || k.releases == 0) pthread_cond_wait(&k.changed, &k.lock);
    pthread_mutex_unlock(&k.lock);
    if (k.finals != 1 || k.releases != 1 || k.responses != 1) die("final/release count", NULL);
    /* The echo check applies when INPUT0 came in one buffer and the model echoes bytes. */
    check_echo(k.response, model, input0_buffers == 1 ? input0 : NULL, input0_size);
    TRITONSERVER_InferenceResponseDelete(k.response);
  }
  ignore(TRITONSERVER_InferenceRequestDelete(request));
  pthread_mutex_destroy(&k.lock);
  pthread_cond_destroy(&k.changed);
  return 0;
}
