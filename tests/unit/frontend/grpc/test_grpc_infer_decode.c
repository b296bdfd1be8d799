/* test_grpc_infer_decode.c — ModelInferRequest → infer_request (grpc_infer_decode.c):
 * raw inputs stay in place, typed contents are narrowed into the raw layout, BYTES get
 * length prefixes, reserved parameters become request settings, and bad requests are
 * refused with Triton's messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dtype.h"
#include "grpc_infer_decode.h"

#include <stdlib.h>
#include <string.h>

typedef Inference__ModelInferRequest Request;
typedef Inference__ModelInferRequest__InferInputTensor Input;
typedef Inference__ModelInferRequest__ParametersEntry Param;

static void test_raw_input_zero_copy(void **state) {
  (void)state;
  Request r = INFERENCE__MODEL_INFER_REQUEST__INIT;
  Input in = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
  Input *inputs[] = {&in};
  int64_t shape[] = {2, 2};
  float data[4] = {1, 2, 3, 4};
  ProtobufCBinaryData raw[] = {{sizeof(data), (uint8_t *)data}};
  r.model_name = "m";
  r.model_version = "3";
  r.id = "req";
  in.name = "INPUT0";
  in.datatype = "FP32";
  in.n_shape = 2;
  in.shape = shape;
  r.n_inputs = 1;
  r.inputs = inputs;
  r.n_raw_input_contents = 1;
  r.raw_input_contents = raw;
  infer_request out;
  memset(&out, 0, sizeof(out));
  grpc_infer_extras extras;
  assert_null(grpc_infer_decode(&r, &out, &extras));
  assert_int_equal(extras.version, 3);
  assert_string_equal(out.id, "req");
  assert_int_equal(out.input_count, 1);
  assert_int_equal(out.inputs[0].datatype, DTYPE_FP32);
  assert_ptr_equal(out.inputs[0].data, data);
  assert_int_equal(out.inputs[0].byte_size, 16);
  assert_int_equal(out.output_count, 0);
  infer_request_free(&out);
}

static void test_typed_contents_narrowed(void **state) {
  (void)state;
  Request r = INFERENCE__MODEL_INFER_REQUEST__INIT;
  Input a = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
  Input b = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
  Inference__InferTensorContents ca = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
  Inference__InferTensorContents cb = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
  Input *inputs[] = {&a, &b};
  int64_t shape[] = {3};
  int32_t ints[] = {1, -2, 300};
  ProtobufCBinaryData strings[] = {{2, (uint8_t *)"hi"}, {0, NULL}, {3, (uint8_t *)"abc"}};
  a.name = "A"; a.datatype = "INT16"; a.n_shape = 1; a.shape = shape; a.contents = &ca;
  ca.n_int_contents = 3; ca.int_contents = ints;
  b.name = "B"; b.datatype = "BYTES"; b.n_shape = 1; b.shape = shape; b.contents = &cb;
  cb.n_bytes_contents = 3; cb.bytes_contents = strings;
  r.model_name = "m";
  r.n_inputs = 2;
  r.inputs = inputs;
  infer_request out;
  memset(&out, 0, sizeof(out));
  grpc_infer_extras extras;
  assert_null(grpc_infer_decode(&r, &out, &extras));
  assert_int_equal(extras.version, -1);
  const int16_t want[] = {1, -2, 300};
  assert_int_equal(out.inputs[0].byte_size, 6);
  assert_memory_equal(out.inputs[0].data, want, 6);
  const unsigned char bytes[] = {2, 0, 0, 0, 'h', 'i', 0, 0, 0, 0, 3, 0, 0, 0, 'a', 'b', 'c'};
  assert_int_equal(out.inputs[1].byte_size, sizeof(bytes));
  assert_memory_equal(out.inputs[1].data, bytes, sizeof(bytes));
  infer_request_free(&out);
}

static char *decode_error(Request *r) {
  infer_request out;
  memset(&out, 0, sizeof(out));
  grpc_infer_extras extras;
  char *error = grpc_infer_decode(r, &out, &extras);
  infer_request_free(&out);
  assert_non_null(error);
  return error;
}

static void test_refusals(void **state) {
  (void)state;
  Request r = INFERENCE__MODEL_INFER_REQUEST__INIT;
  Input in = INFERENCE__MODEL_INFER_REQUEST__INFER_INPUT_TENSOR__INIT;
  Inference__InferTensorContents c = INFERENCE__INFER_TENSOR_CONTENTS__INIT;
  Input *inputs[] = {&in};
  int64_t shape[] = {2};
  float values[] = {1, 2};
  ProtobufCBinaryData raw[] = {{8, (uint8_t *)values}, {8, (uint8_t *)values}};
  in.name = "INPUT0"; in.datatype = "FP32"; in.n_shape = 1; in.shape = shape;
  r.model_name = "m"; r.n_inputs = 1; r.inputs = inputs;
  /* contents and raw together */
  in.contents = &c; c.n_fp32_contents = 2; c.fp32_contents = values;
  r.n_raw_input_contents = 1; r.raw_input_contents = raw;
  char *e = decode_error(&r);
  assert_non_null(strstr(e, "contents field must not be specified when using raw_input_contents"));
  free(e);
  /* more raw entries than inputs */
  in.contents = NULL;
  r.n_raw_input_contents = 2;
  e = decode_error(&r);
  assert_non_null(strstr(e, "raw_input_contents"));
  free(e);
  /* element count that does not match the shape */
  r.n_raw_input_contents = 0;
  in.contents = &c; c.n_fp32_contents = 1;
  e = decode_error(&r);
  assert_non_null(strstr(e, "expecting 2, got 1"));
  free(e);
  /* FP16 only raw */
  in.datatype = "FP16";
  e = decode_error(&r);
  assert_non_null(strstr(e, "raw_input_contents"));
  free(e);
  /* unknown datatype, bad version, reserved parameter */
  in.datatype = "FP33";
  e = decode_error(&r);
  assert_non_null(strstr(e, "invalid datatype 'FP33'"));
  free(e);
  in.datatype = "FP32"; c.n_fp32_contents = 2;
  r.model_version = "x1";
  e = decode_error(&r);
  assert_non_null(strstr(e, "model version 'x1'"));
  free(e);
  r.model_version = "";
  Inference__InferParameter v = INFERENCE__INFER_PARAMETER__INIT;
  v.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
  Param p = INFERENCE__MODEL_INFER_REQUEST__PARAMETERS_ENTRY__INIT;
  p.key = "triton_mine"; p.value = &v;
  Param *params[] = {&p};
  r.n_parameters = 1; r.parameters = params;
  e = decode_error(&r);
  assert_non_null(strstr(e, "reserved for Triton usage"));
  free(e);
}

static void test_reserved_parameters(void **state) {
  (void)state;
  Request r = INFERENCE__MODEL_INFER_REQUEST__INIT;
  Inference__InferParameter seq = INFERENCE__INFER_PARAMETER__INIT, start = seq, prio = seq,
                            empty = seq, other = seq;
  seq.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_UINT64_PARAM;
  seq.uint64_param = 42;
  start.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
  start.bool_param = 1;
  prio.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_INT64_PARAM;
  prio.int64_param = 2;
  empty.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_BOOL_PARAM;
  empty.bool_param = 1;
  other.parameter_choice_case = INFERENCE__INFER_PARAMETER__PARAMETER_CHOICE_STRING_PARAM;
  other.string_param = "v";
  Param p[5];
  const char *keys[] = {"sequence_id", "sequence_start", "priority",
                        "triton_enable_empty_final_response", "mine"};
  Inference__InferParameter *values[] = {&seq, &start, &prio, &empty, &other};
  Param *params[5];
  for (int i = 0; i < 5; ++i) {
    inference__model_infer_request__parameters_entry__init(&p[i]);
    p[i].key = (char *)keys[i];
    p[i].value = values[i];
    params[i] = &p[i];
  }
  r.model_name = "m";
  r.n_parameters = 5;
  r.parameters = params;
  infer_request out;
  memset(&out, 0, sizeof(out));
  grpc_infer_extras extras;
  assert_null(grpc_infer_decode(&r, &out, &extras));
  assert_true(out.has_sequence_id);
  assert_int_equal(out.sequence_id, 42);
  assert_true(out.sequence_start);
  assert_false(out.sequence_end);
  assert_int_equal(out.priority, 2);
  assert_true(extras.empty_final_response);
  assert_int_equal(out.parameter_count, 1);
  assert_string_equal(out.parameters[0].key, "mine");
  assert_string_equal(out.parameters[0].string_value, "v");
  infer_request_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_raw_input_zero_copy),
      cmocka_unit_test(test_typed_contents_narrowed),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_reserved_parameters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
