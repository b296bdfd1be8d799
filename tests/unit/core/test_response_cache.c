/* test_response_cache.c — the response cache's pieces that need no model: its
 * configuration from server options (Triton's rules and messages), the request key
 * (equal exactly when the answer must be equal), and the encoding of a cached result
 * (round trip, serving a subset of the outputs, what cannot be cached). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"
#include "options.h"
#include "request.h"
#include "response.h"
#include "response_cache.h"

/* ---- configuration ------------------------------------------------------------------ */

static TRITONSERVER_ServerOptions *options(void)
{
  TRITONSERVER_ServerOptions *o = NULL;
  assert_null(TRITONSERVER_ServerOptionsNew(&o));
  return o;
}

static void expect_error(TRITONSERVER_ServerOptions *o, const char *fragment)
{
  response_cache *cache = (response_cache *)1;
  TRITONSERVER_Error *err = response_cache_new(o, &cache);
  assert_non_null(err);
  assert_null(cache);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_INVALID_ARG);
  if (!strstr(TRITONSERVER_ErrorMessage(err), fragment))
    fail_msg("'%s' not in '%s'", fragment, TRITONSERVER_ErrorMessage(err));
  TRITONSERVER_ErrorDelete(err);
  TRITONSERVER_ServerOptionsDelete(o);
}

static uint64_t capacity_of(TRITONSERVER_ServerOptions *o)
{
  response_cache *cache = NULL;
  assert_null(response_cache_new(o, &cache));
  uint64_t capacity = response_cache_capacity(cache);
  response_cache_free(cache);
  TRITONSERVER_ServerOptionsDelete(o);
  return capacity;
}

static void configuration(void **state)
{
  (void)state;
  TRITONSERVER_ServerOptions *o = options();
  assert_int_equal(capacity_of(o), 0); /* nothing configured: no cache */

  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"1048576\"}"));
  assert_int_equal(capacity_of(o), 1048576); /* as --cache-config=local,size=1048576 */

  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\": 4096}"));
  assert_int_equal(capacity_of(o), 4096);

  /* The deprecated call forwards to SetCacheConfig("local"); 0 does nothing; last wins. */
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetResponseCacheByteSize(o, 0));
  assert_int_equal(capacity_of(o), 0);
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetResponseCacheByteSize(o, 5000));
  assert_int_equal(capacity_of(o), 5000);
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetResponseCacheByteSize(o, 5000));
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"7000\"}"));
  assert_int_equal(capacity_of(o), 7000);
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"7000\"}"));
  assert_null(TRITONSERVER_ServerOptionsSetResponseCacheByteSize(o, 5000));
  assert_int_equal(capacity_of(o), 5000);

  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"8192\"}"));
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "redis", "{\"host\":\"localhost\"}"));
  expect_error(o, "multiple cache configurations");

  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "redis", "{\"host\":\"localhost\"}"));
  expect_error(o, "cache 'redis' is not supported");

  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"0\"}"));
  expect_error(o, "'size' must be a byte count > 0, got '0'");
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"12abc\"}"));
  expect_error(o, "got '12abc'");
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":-5}"));
  expect_error(o, "got '-5'");
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{}"));
  expect_error(o, "has no 'size'");
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "{\"size\":\"64\",\"x\":\"1\"}"));
  expect_error(o, "unknown setting 'x'");
  o = options();
  assert_null(TRITONSERVER_ServerOptionsSetCacheConfig(o, "local", "not json"));
  expect_error(o, "must be a JSON object");
}

/* ---- the key ------------------------------------------------------------------------ */

/* Requests are never sent here: any non-NULL server pointer will do. */
#define NO_SERVER ((TRITONSERVER_Server *)(uintptr_t)0x1)

static TRITONSERVER_InferenceRequest *request(void)
{
  TRITONSERVER_InferenceRequest *r = NULL;
  assert_null(TRITONSERVER_InferenceRequestNew(&r, NO_SERVER, "m", 1));
  return r;
}

static void add_input(TRITONSERVER_InferenceRequest *r, const char *name,
                      TRITONSERVER_DataType datatype, const int64_t *shape, uint64_t dims,
                      const void *data, size_t byte_size, int parts)
{
  assert_null(TRITONSERVER_InferenceRequestAddInput(r, name, datatype, shape, dims));
  size_t at = 0;
  for (int p = 0; p < parts; p++) {
    size_t n = p == parts - 1 ? byte_size - at : byte_size / (size_t)parts;
    assert_null(TRITONSERVER_InferenceRequestAppendInputData(
        r, name, (const char *)data + at, n, TRITONSERVER_MEMORY_CPU, 0));
    at += n;
  }
}

typedef struct key_bytes {
  uint8_t b[DIGEST_SIZE];
} key_bytes;

static key_bytes key_of(TRITONSERVER_InferenceRequest *r, const char *model, uint64_t version,
                        uint64_t owner)
{
  key_bytes k;
  assert_true(response_cache_key(r, model, version, owner, k.b));
  TRITONSERVER_InferenceRequestDelete(r);
  return k;
}

static const float DATA[4] = {1, 2, 3, 4};
static const int64_t SHAPE_4[1] = {4};
static const int64_t SHAPE_1x4[2] = {1, 4};
static const int64_t SHAPE_2x2[2] = {2, 2};

/* The reference request: m v1, INPUT0 FP32 [4] = DATA. */
static TRITONSERVER_InferenceRequest *reference(void)
{
  TRITONSERVER_InferenceRequest *r = request();
  add_input(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  return r;
}

static void SAME(key_bytes x, key_bytes y) { assert_memory_equal(x.b, y.b, DIGEST_SIZE); }
static void DIFFERENT(key_bytes x, key_bytes y) { assert_memory_not_equal(x.b, y.b, DIGEST_SIZE); }

static void key_is_equal_for_equal_requests(void **state)
{
  (void)state;
  key_bytes base = key_of(reference(), "m", 1, 1);
  SAME(base, key_of(reference(), "m", 1, 1));

  /* The same bytes in three buffers. */
  TRITONSERVER_InferenceRequest *r = request();
  add_input(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 3);
  SAME(base, key_of(r, "m", 1, 1));

  /* Inputs added in another order; id, priority, timeout and requested outputs. */
  key_bytes two;
  r = request();
  add_input(r, "A", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  add_input(r, "B", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  two = key_of(r, "m", 1, 1);
  r = request();
  add_input(r, "B", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  add_input(r, "A", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  assert_null(TRITONSERVER_InferenceRequestSetId(r, "some-id"));
  assert_null(TRITONSERVER_InferenceRequestSetPriorityUInt64(r, 3));
  assert_null(TRITONSERVER_InferenceRequestSetTimeoutMicroseconds(r, 1000));
  assert_null(TRITONSERVER_InferenceRequestAddRequestedOutput(r, "OUTPUT0"));
  SAME(two, key_of(r, "m", 1, 1));
}

static void key_differs_for_anything_that_changes_the_answer(void **state)
{
  (void)state;
  key_bytes base = key_of(reference(), "m", 1, 1);
  DIFFERENT(base, key_of(reference(), "n", 1, 1)); /* model */
  DIFFERENT(base, key_of(reference(), "m", 2, 1)); /* version */
  DIFFERENT(base, key_of(reference(), "m", 1, 2)); /* another load of the model */

  TRITONSERVER_InferenceRequest *r = request(); /* input name */
  add_input(r, "INPUT1", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  DIFFERENT(base, key_of(r, "m", 1, 1));
  r = request(); /* datatype, same 16 bytes */
  add_input(r, "INPUT0", TRITONSERVER_TYPE_INT32, SHAPE_4, 1, DATA, sizeof(DATA), 1);
  DIFFERENT(base, key_of(r, "m", 1, 1));
  r = request(); /* shape [1,4] */
  add_input(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_1x4, 2, DATA, sizeof(DATA), 1);
  key_bytes one_by_four = key_of(r, "m", 1, 1);
  DIFFERENT(base, one_by_four);
  r = request(); /* shape [2,2] */
  add_input(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_2x2, 2, DATA, sizeof(DATA), 1);
  DIFFERENT(one_by_four, key_of(r, "m", 1, 1));
  float other[4] = {1, 2, 3, 5}; /* bytes */
  r = request();
  add_input(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_4, 1, other, sizeof(other), 1);
  DIFFERENT(base, key_of(r, "m", 1, 1));

  /* Two inputs: the same bytes moved from one to the other. */
  uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const int64_t s1[1] = {1}, s3[1] = {3};
  r = request();
  add_input(r, "A", TRITONSERVER_TYPE_UINT8, s1, 1, bytes, 1, 1);
  add_input(r, "B", TRITONSERVER_TYPE_UINT8, s3, 1, bytes + 1, 3, 1);
  key_bytes split1 = key_of(r, "m", 1, 1);
  const int64_t s2[1] = {2};
  r = request();
  add_input(r, "A", TRITONSERVER_TYPE_UINT8, s2, 1, bytes, 2, 1);
  add_input(r, "B", TRITONSERVER_TYPE_UINT8, s2, 1, bytes + 2, 2, 1);
  DIFFERENT(split1, key_of(r, "m", 1, 1));

  /* BYTES elements: ["ab","c"] vs ["a","bc"] (same characters, other lengths). */
  const uint8_t ab_c[] = {2, 0, 0, 0, 'a', 'b', 1, 0, 0, 0, 'c'};
  const uint8_t a_bc[] = {1, 0, 0, 0, 'a', 2, 0, 0, 0, 'b', 'c'};
  const int64_t two_strings[1] = {2};
  r = request();
  add_input(r, "S", TRITONSERVER_TYPE_BYTES, two_strings, 1, ab_c, sizeof(ab_c), 1);
  key_bytes strings = key_of(r, "m", 1, 1);
  r = request();
  add_input(r, "S", TRITONSERVER_TYPE_BYTES, two_strings, 1, a_bc, sizeof(a_bc), 1);
  DIFFERENT(strings, key_of(r, "m", 1, 1));

  /* Parameters: presence, value, type, order. */
  r = reference();
  assert_null(TRITONSERVER_InferenceRequestSetIntParameter(r, "p", 1));
  key_bytes p1 = key_of(r, "m", 1, 1);
  DIFFERENT(base, p1);
  r = reference();
  assert_null(TRITONSERVER_InferenceRequestSetIntParameter(r, "p", 2));
  DIFFERENT(p1, key_of(r, "m", 1, 1));
  r = reference();
  assert_null(TRITONSERVER_InferenceRequestSetStringParameter(r, "p", "1"));
  DIFFERENT(p1, key_of(r, "m", 1, 1));
  r = reference();
  assert_null(TRITONSERVER_InferenceRequestSetIntParameter(r, "p", 1));
  assert_null(TRITONSERVER_InferenceRequestSetBoolParameter(r, "q", true));
  key_bytes pq = key_of(r, "m", 1, 1);
  r = reference();
  assert_null(TRITONSERVER_InferenceRequestSetBoolParameter(r, "q", true));
  assert_null(TRITONSERVER_InferenceRequestSetIntParameter(r, "p", 1));
  DIFFERENT(pq, key_of(r, "m", 1, 1));
}

static void no_key_for_gpu_inputs(void **state)
{
  (void)state;
  TRITONSERVER_InferenceRequest *r = request();
  assert_null(TRITONSERVER_InferenceRequestAddInput(r, "INPUT0", TRITONSERVER_TYPE_FP32, SHAPE_4, 1));
  assert_null(TRITONSERVER_InferenceRequestAppendInputData(r, "INPUT0", DATA, sizeof(DATA),
                                                           TRITONSERVER_MEMORY_GPU, 0));
  uint8_t key[DIGEST_SIZE];
  assert_false(response_cache_key(r, "m", 1, 1, key));
  TRITONSERVER_InferenceRequestDelete(r);
}

/* ---- encoding ---------------------------------------------------------------------- */

static int allocations, releases;
static TRITONSERVER_MemoryType give_memory = TRITONSERVER_MEMORY_CPU;

static TRITONSERVER_Error *alloc_fn(TRITONSERVER_ResponseAllocator *a, const char *name,
                                    size_t byte_size, TRITONSERVER_MemoryType type, int64_t id,
                                    void *userp, void **buffer, void **buffer_userp,
                                    TRITONSERVER_MemoryType *actual, int64_t *actual_id)
{
  (void)a, (void)name, (void)type, (void)id, (void)userp;
  *buffer = malloc(byte_size ? byte_size : 1);
  *buffer_userp = *buffer;
  *actual = give_memory;
  *actual_id = 0;
  allocations++;
  return NULL;
}

static TRITONSERVER_Error *release_fn(TRITONSERVER_ResponseAllocator *a, void *buffer,
                                      void *buffer_userp, size_t byte_size,
                                      TRITONSERVER_MemoryType type, int64_t id)
{
  (void)a, (void)buffer_userp, (void)byte_size, (void)type, (void)id;
  free(buffer);
  releases++;
  return NULL;
}

static response_sink *sink_new(TRITONSERVER_ResponseAllocator *allocator)
{
  response_sink *s = calloc(1, sizeof(*s));
  s->refs = 1;
  s->allocator = allocator;
  s->model_name = strdup("m");
  s->request_id = strdup("");
  return s;
}

/* Adds an output the way a backend does, with a buffer from the sink's allocator. */
static void add_output(TRITONSERVER_InferenceResponse *r, const char *name,
                       TRITONSERVER_DataType datatype, const int64_t *shape, uint32_t dims,
                       const void *data, size_t byte_size)
{
  TRITONBACKEND_Output *o = calloc(1, sizeof(*o));
  o->response = r;
  o->name = strdup(name);
  o->datatype = datatype;
  o->shape = malloc(dims * sizeof(int64_t));
  memcpy(o->shape, shape, dims * sizeof(int64_t));
  o->dims_count = dims;
  o->config_index = -1;
  r->outputs = realloc(r->outputs, (r->output_count + 1) * sizeof(*r->outputs));
  r->outputs[r->output_count++] = o;
  if (!data)
    return; /* created but never given a buffer */
  void *buffer = NULL;
  TRITONSERVER_MemoryType type = TRITONSERVER_MEMORY_CPU;
  int64_t id = 0;
  assert_null(TRITONBACKEND_OutputBuffer(o, &buffer, byte_size, &type, &id));
  memcpy(buffer, data, byte_size);
}

static const TRITONBACKEND_Output *find(const TRITONSERVER_InferenceResponse *r, const char *name)
{
  for (uint32_t i = 0; i < r->output_count; i++)
    if (strcmp(r->outputs[i]->name, name) == 0)
      return r->outputs[i];
  return NULL;
}

static void encode_decode_round_trip(void **state)
{
  (void)state;
  TRITONSERVER_ResponseAllocator *allocator = NULL;
  assert_null(TRITONSERVER_ResponseAllocatorNew(&allocator, alloc_fn, release_fn, NULL));
  response_sink *sink = sink_new(allocator);
  TRITONSERVER_InferenceResponse *src = response_new(sink);
  TRITONBACKEND_Response *backend_src = (TRITONBACKEND_Response *)(void *)src;
  const float out0[4] = {9, 8, 7, 6};
  const uint8_t text[] = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0};
  const int64_t shape0[2] = {1, 4}, shape1[2] = {1, 2}, shape2[1] = {0};
  add_output(src, "OUTPUT0", TRITONSERVER_TYPE_FP32, shape0, 2, out0, sizeof(out0));
  add_output(src, "TEXT", TRITONSERVER_TYPE_BYTES, shape1, 2, text, sizeof(text));
  add_output(src, "EMPTY", TRITONSERVER_TYPE_INT64, shape2, 1, NULL, 0);
  assert_null(TRITONBACKEND_ResponseSetStringParameter(backend_src, "s", "value"));
  assert_null(TRITONBACKEND_ResponseSetIntParameter(backend_src, "i", -42));
  assert_null(TRITONBACKEND_ResponseSetBoolParameter(backend_src, "b", true));
  assert_null(TRITONBACKEND_ResponseSetDoubleParameter(backend_src, "d", 2.5));

  char *asked[] = {"EMPTY", "OUTPUT0", "TEXT", "UNPRODUCED"};
  void *blob = NULL;
  size_t size = 0;
  assert_true(response_cache_encode(src, asked, 4, &blob, &size));

  const char *all[] = {"EMPTY", "OUTPUT0", "TEXT"};
  const char *text_only[] = {"TEXT"};
  const char *unknown[] = {"OUTPUT0", "OTHER"};
  assert_true(response_cache_covers(blob, size, all, 3));
  assert_true(response_cache_covers(blob, size, text_only, 1));
  assert_true(response_cache_covers(blob, size, (const char *[]){"UNPRODUCED"}, 1));
  assert_false(response_cache_covers(blob, size, unknown, 2));
  assert_false(response_cache_covers(blob, 22, all, 3)); /* truncated in the names */

  /* Everything back. */
  int before = allocations;
  TRITONSERVER_InferenceResponse *copy = response_new(sink);
  assert_null(response_cache_decode(blob, size, all, 3, copy));
  assert_int_equal(allocations - before, 2); /* no buffer for the output that had none */
  assert_int_equal(copy->output_count, 3);
  const TRITONBACKEND_Output *o = find(copy, "OUTPUT0");
  assert_int_equal(o->datatype, TRITONSERVER_TYPE_FP32);
  assert_int_equal(o->dims_count, 2);
  assert_int_equal(o->shape[1], 4);
  assert_int_equal(o->byte_size, sizeof(out0));
  assert_memory_equal(o->buffer, out0, sizeof(out0));
  o = find(copy, "TEXT");
  assert_int_equal(o->datatype, TRITONSERVER_TYPE_BYTES);
  assert_memory_equal(o->buffer, text, sizeof(text));
  o = find(copy, "EMPTY");
  assert_false(o->has_buffer);
  assert_int_equal(o->shape[0], 0);
  assert_int_equal(copy->param_count, 4);
  assert_string_equal(copy->params[0].key, "s");
  assert_string_equal(copy->params[0].string_value, "value");
  assert_int_equal(copy->params[1].int_value, -42);
  assert_true(copy->params[2].bool_value);
  assert_true(copy->params[3].double_value == 2.5);
  response_free(copy);

  /* Only what the new request asks for. */
  copy = response_new(sink);
  assert_null(response_cache_decode(blob, size, text_only, 1, copy));
  assert_int_equal(copy->output_count, 1);
  assert_string_equal(copy->outputs[0]->name, "TEXT");
  response_free(copy);

  /* An allocator that gives GPU memory cannot be filled from the cache. */
  give_memory = TRITONSERVER_MEMORY_GPU;
  copy = response_new(sink);
  TRITONSERVER_Error *err = response_cache_decode(blob, size, text_only, 1, copy);
  assert_non_null(err);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_UNSUPPORTED);
  TRITONSERVER_ErrorDelete(err);
  response_free(copy);
  give_memory = TRITONSERVER_MEMORY_CPU;
  free(blob);

  /* A response with an output in GPU memory is not cached. */
  ((TRITONBACKEND_Output *)find(src, "OUTPUT0"))->memory_type = TRITONSERVER_MEMORY_GPU;
  assert_false(response_cache_encode(src, asked, 4, &blob, &size));
  ((TRITONBACKEND_Output *)find(src, "OUTPUT0"))->memory_type = TRITONSERVER_MEMORY_CPU;

  response_free(src);
  assert_int_equal(allocations, releases);
  response_sink_unref(sink);
  TRITONSERVER_ResponseAllocatorDelete(allocator);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(configuration),
      cmocka_unit_test(key_is_equal_for_equal_requests),
      cmocka_unit_test(key_differs_for_anything_that_changes_the_answer),
      cmocka_unit_test(no_key_for_gpu_inputs),
      cmocka_unit_test(encode_decode_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
