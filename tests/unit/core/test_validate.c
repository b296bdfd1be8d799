/* test_validate.c — request validation against a model config (validate.c), with
 * Triton's messages: unknown/missing inputs, batch size, datatype, shape (with the batch
 * note), byte size, BYTES element walking across buffers, reshape, requested outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "validate.h"

typedef struct fixture {
  TRITONBACKEND_Model model;
  TRITONSERVER_InferenceRequest *req;
} fixture;

static fixture *fixture_new(const char *config_text, const char *request_id)
{
  fixture *f = calloc(1, sizeof(*f));
  char *error = NULL;
  if (model_config_parse(config_text, strlen(config_text), "test.pbtxt", &f->model.config,
                         &error) != 0)
    fail_msg("config did not parse: %s", error);
  ModelNormalizeOptions opts = {.model_name = "m", .resolve_instance_groups = true};
  model_config_normalize(f->model.config, &opts);
  f->model.name = "m";
  /* The request only needs a non-NULL server pointer to be created. */
  assert_null(TRITONSERVER_InferenceRequestNew(&f->req, (TRITONSERVER_Server *)f, "m", -1));
  if (request_id)
    assert_null(TRITONSERVER_InferenceRequestSetId(f->req, request_id));
  return f;
}

static void fixture_free(fixture *f)
{
  request_reset_runtime(f->req);
  assert_null(TRITONSERVER_InferenceRequestDelete(f->req));
  model_config_free(f->model.config);
  free(f);
}

static void add(fixture *f, const char *name, TRITONSERVER_DataType dt, const int64_t *shape,
                uint64_t dims, const void *data, size_t size)
{
  assert_null(TRITONSERVER_InferenceRequestAddInput(f->req, name, dt, shape, dims));
  if (data)
    assert_null(TRITONSERVER_InferenceRequestAppendInputData(f->req, name, data, size,
                                                             TRITONSERVER_MEMORY_CPU, 0));
}

/* Validates and checks the error message equals `expected` (NULL: success). */
static void expect(fixture *f, const char *expected)
{
  TRITONSERVER_Error *err = validate_request(f->req, &f->model);
  if (!expected) {
    if (err)
      fail_msg("unexpected error: %s", TRITONSERVER_ErrorMessage(err));
    return;
  }
  if (!err)
    fail_msg("expected error '%s', got success", expected);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_INVALID_ARG);
  assert_string_equal(TRITONSERVER_ErrorMessage(err), expected);
  TRITONSERVER_ErrorDelete(err);
}

#define BATCHED                                                                    \
  "backend: \"identity\"\nmax_batch_size: 4\n"                                     \
  "input [ { name: \"A\" data_type: TYPE_FP32 dims: [ -1, 3 ] },\n"                \
  "        { name: \"B\" data_type: TYPE_INT32 dims: [ 2 ] } ]\n"                  \
  "output [ { name: \"Y\" data_type: TYPE_FP32 dims: [ 3 ] },\n"                   \
  "         { name: \"X\" data_type: TYPE_FP32 dims: [ 3 ] } ]\n"

static const float F[24] = {0};
static const int32_t I[8] = {0};

static void valid_request_gets_backend_view(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, NULL);
  int64_t a[] = {2, 1, 3}, b[] = {2, 2};
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 16);
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 24);
  expect(f, NULL);
  assert_int_equal(f->req->batch_size, 2);
  /* Inputs enumerate sorted by name; all outputs requested, sorted. */
  assert_string_equal(f->req->inputs[0]->name, "A");
  assert_int_equal(f->req->backend_output_count, 2);
  assert_string_equal(f->req->backend_outputs[0], "X");
  assert_string_equal(f->req->backend_outputs[1], "Y");
  fixture_free(f);
}

static void unknown_and_missing_inputs(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, "7");
  int64_t a[] = {1, 1, 3};
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 12);
  expect(f, "[request id: 7] expected 2 inputs but got 1 inputs for model 'm'. Got input(s) "
            "['A'], but missing required input(s) ['B']. Please provide all required "
            "input(s).");
  add(f, "C", TRITONSERVER_TYPE_FP32, a, 3, F, 12);
  expect(f, "unexpected inference input 'C' for model 'm'"); /* Triton: no request prefix */
  fixture_free(f);
}

static void batch_rules(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, NULL);
  int64_t a[] = {5, 1, 3}, b[] = {5, 2};
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 60);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 40);
  expect(f, "[request id: <id_unknown>] inference request batch-size must be <= 4 for 'm'");
  fixture_free(f);

  f = fixture_new(BATCHED, NULL);
  int64_t a2[] = {2, 1, 3}, b2[] = {1, 2};
  add(f, "A", TRITONSERVER_TYPE_FP32, a2, 3, F, 24);
  add(f, "B", TRITONSERVER_TYPE_INT32, b2, 2, I, 8);
  expect(f, "[request id: <id_unknown>] input 'B' batch size does not match other inputs for 'm'");
  fixture_free(f);

  f = fixture_new(BATCHED, NULL);
  add(f, "A", TRITONSERVER_TYPE_FP32, NULL, 0, NULL, 0);
  add(f, "B", TRITONSERVER_TYPE_INT32, b2, 2, I, 8);
  expect(f, "[request id: <id_unknown>] input 'A' has no shape but model requires batch dimension for 'm'");
  fixture_free(f);
}

static void datatype_shape_and_size(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, "x");
  int64_t a[] = {1, 1, 3}, b[] = {1, 2};
  add(f, "A", TRITONSERVER_TYPE_FP64, a, 3, F, 24);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  expect(f, "[request id: x] inference input 'A' data-type is 'FP64', but model 'm' expects "
            "'FP32'");
  fixture_free(f);

  f = fixture_new(BATCHED, "x");
  int64_t bad[] = {1, 2, 4};
  add(f, "A", TRITONSERVER_TYPE_FP32, bad, 3, F, 32);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  expect(f, "[request id: x] unexpected shape for input 'A' for model 'm'. Expected [-1,-1,3], "
            "got [1,2,4]. NOTE: Setting a non-zero max_batch_size in the model config requires "
            "a batch dimension to be prepended to each input shape. If you want to specify the "
            "full shape including the batch dim in your input dims config, try setting "
            "max_batch_size to zero. See the model configuration docs for more info on "
            "max_batch_size.");
  fixture_free(f);

  f = fixture_new(BATCHED, NULL);
  int64_t wild[] = {1, -1, 3};
  add(f, "A", TRITONSERVER_TYPE_FP32, wild, 3, F, 12);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  /* -1 in a request is an error even where the config has a wildcard */
  TRITONSERVER_Error *err = validate_request(f->req, &f->model);
  assert_non_null(err);
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(err), "Expected [-1,-1,3], got [1,-1,3]."));
  TRITONSERVER_ErrorDelete(err);
  fixture_free(f);

  f = fixture_new(BATCHED, NULL);
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 8);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  expect(f, "[request id: <id_unknown>] input byte size mismatch for input 'A' for model 'm'. Expected 12, got 8");
  fixture_free(f);
}

static void non_batching_shape_and_reshape(void **state)
{
  (void)state;
  fixture *f = fixture_new("backend: \"identity\"\nmax_batch_size: 0\n"
                           "input [ { name: \"A\" data_type: TYPE_FP32 dims: [ 2, 3 ] "
                           "reshape: { shape: [ 6 ] } } ]\n"
                           "output [ { name: \"Y\" data_type: TYPE_FP32 dims: [ 6 ] } ]\n",
                           NULL);
  int64_t a[] = {3, 2};
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 2, F, 24);
  expect(f, "[request id: <id_unknown>] unexpected shape for input 'A' for model 'm'. Expected [2,3], got [3,2]. ");
  fixture_free(f);

  f = fixture_new("backend: \"identity\"\nmax_batch_size: 2\n"
                  "input [ { name: \"A\" data_type: TYPE_FP32 dims: [ 2, -1 ] "
                  "reshape: { shape: [ -1 ] } } ]\n"
                  "output [ { name: \"Y\" data_type: TYPE_FP32 dims: [ 6 ] } ]\n",
                  NULL);
  int64_t b[] = {2, 2, 3};
  add(f, "A", TRITONSERVER_TYPE_FP32, b, 3, F, 48);
  expect(f, NULL);
  TRITONBACKEND_Input *in = f->req->inputs[0];
  assert_int_equal(in->backend_dims_count, 2);
  assert_int_equal(in->backend_shape[0], 2);
  assert_int_equal(in->backend_shape[1], 6);
  fixture_free(f);
}

static void bytes_elements_are_walked_across_buffers(void **state)
{
  (void)state;
  const char *cfg = "backend: \"identity\"\nmax_batch_size: 0\n"
                    "input [ { name: \"S\" data_type: TYPE_STRING dims: [ 2 ] } ]\n"
                    "output [ { name: \"T\" data_type: TYPE_STRING dims: [ 2 ] } ]\n";
  /* "ab" and "xyz", the second element split across two buffers. */
  const unsigned char part1[] = {2, 0, 0, 0, 'a', 'b', 3, 0, 0, 0, 'x'};
  const unsigned char part2[] = {'y', 'z'};
  int64_t shape[] = {2};
  fixture *f = fixture_new(cfg, NULL);
  add(f, "S", TRITONSERVER_TYPE_BYTES, shape, 1, part1, sizeof(part1));
  assert_null(TRITONSERVER_InferenceRequestAppendInputData(f->req, "S", part2, sizeof(part2),
                                                           TRITONSERVER_MEMORY_CPU, 0));
  expect(f, NULL);
  fixture_free(f);

  f = fixture_new(cfg, NULL);
  add(f, "S", TRITONSERVER_TYPE_BYTES, shape, 1, part1, 6);
  expect(f, "[request id: <id_unknown>] unexpected number of string elements 1 for inference input 'S' for "
            "model 'm', "
            "expecting 2");
  fixture_free(f);

  f = fixture_new(cfg, NULL);
  add(f, "S", TRITONSERVER_TYPE_BYTES, shape, 1, part1, sizeof(part1));
  expect(f, "[request id: <id_unknown>] element byte size indicator exceeds the end of the buffer for "
            "inference input 'S' for model 'm'");
  fixture_free(f);
}

static void unknown_requested_output(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, NULL);
  int64_t a[] = {1, 1, 3}, b[] = {1, 2};
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 12);
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  assert_null(TRITONSERVER_InferenceRequestAddRequestedOutput(f->req, "Y"));
  expect(f, NULL);
  assert_int_equal(f->req->backend_output_count, 1);
  assert_null(TRITONSERVER_InferenceRequestAddRequestedOutput(f->req, "Z"));
  expect(f, "unexpected inference output 'Z' for model 'm'");
  fixture_free(f);
}

static void input_buffer_attributes_describe_each_buffer(void **state)
{
  (void)state;
  fixture *f = fixture_new(BATCHED, NULL);
  int64_t a[] = {1, 1, 3}, b[] = {1, 2};
  add(f, "A", TRITONSERVER_TYPE_FP32, a, 3, F, 8);
  assert_null(TRITONSERVER_InferenceRequestAppendInputData(f->req, "A", F + 2, 4,
                                                           TRITONSERVER_MEMORY_CPU_PINNED, 0));
  add(f, "B", TRITONSERVER_TYPE_INT32, b, 2, I, 8);
  expect(f, NULL);
  TRITONBACKEND_Input *in = request_find_input(f->req, "A");
  const void *base = NULL;
  TRITONSERVER_BufferAttributes *attrs = NULL;
  assert_null(TRITONBACKEND_InputBufferAttributes(in, 1, &base, &attrs));
  assert_ptr_equal(base, F + 2);
  size_t size = 0;
  TRITONSERVER_MemoryType mt = TRITONSERVER_MEMORY_CPU;
  assert_null(TRITONSERVER_BufferAttributesByteSize(attrs, &size));
  assert_null(TRITONSERVER_BufferAttributesMemoryType(attrs, &mt));
  assert_int_equal(size, 4);
  assert_int_equal(mt, TRITONSERVER_MEMORY_CPU_PINNED);
  TRITONSERVER_Error *err = TRITONBACKEND_InputBufferAttributes(in, 2, &base, &attrs);
  assert_non_null(err);
  TRITONSERVER_ErrorDelete(err);
  fixture_free(f);
}

static void huge_shapes_are_rejected_without_overflow(void **state)
{
  (void)state;
  fixture *f = fixture_new("backend: \"identity\"\nmax_batch_size: 0\n"
                           "input [ { name: \"A\" data_type: TYPE_FP32 dims: [ -1, -1 ] } ]\n"
                           "output [ { name: \"Y\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n",
                           NULL);
  int64_t huge[] = {INT64_C(1) << 40, INT64_C(1) << 40};
  add(f, "A", TRITONSERVER_TYPE_FP32, huge, 2, F, 16);
  expect(f, "[request id: <id_unknown>] input byte size mismatch for input 'A' for model 'm'. The shape "
            "holds more "
            "elements than fit in memory, got 16 bytes");
  fixture_free(f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(valid_request_gets_backend_view),
      cmocka_unit_test(unknown_and_missing_inputs),
      cmocka_unit_test(batch_rules),
      cmocka_unit_test(datatype_shape_and_size),
      cmocka_unit_test(non_batching_shape_and_reshape),
      cmocka_unit_test(bytes_elements_are_walked_across_buffers),
      cmocka_unit_test(unknown_requested_output),
      cmocka_unit_test(input_buffer_attributes_describe_each_buffer),
      cmocka_unit_test(huge_shapes_are_rejected_without_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
