/* test_error.c — TRITONSERVER_Error: codes, copied messages, Triton's code strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "triton/core/tritonserver.h"

static void error_keeps_code_and_copies_message(void **state)
{
  (void)state;
  char message[] = "model 'm' not found";
  TRITONSERVER_Error *error = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_NOT_FOUND, message);
  message[0] = 'X'; /* the error must hold its own copy */
  assert_non_null(error);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_NOT_FOUND);
  assert_string_equal(TRITONSERVER_ErrorMessage(error), "model 'm' not found");
  assert_string_equal(TRITONSERVER_ErrorCodeString(error), "Not found");
  TRITONSERVER_ErrorDelete(error);
}

static void null_message_becomes_empty(void **state)
{
  (void)state;
  TRITONSERVER_Error *error = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, NULL);
  assert_string_equal(TRITONSERVER_ErrorMessage(error), "");
  TRITONSERVER_ErrorDelete(error);
  TRITONSERVER_ErrorDelete(NULL); /* allowed */
}

static void code_strings_are_tritons(void **state)
{
  (void)state;
  static const struct {
    TRITONSERVER_Error_Code code;
    const char *text;
  } expected[] = {
      {TRITONSERVER_ERROR_UNKNOWN, "Unknown"},
      {TRITONSERVER_ERROR_INTERNAL, "Internal"},
      {TRITONSERVER_ERROR_NOT_FOUND, "Not found"},
      {TRITONSERVER_ERROR_INVALID_ARG, "Invalid argument"},
      {TRITONSERVER_ERROR_UNAVAILABLE, "Unavailable"},
      {TRITONSERVER_ERROR_UNSUPPORTED, "Unsupported"},
      {TRITONSERVER_ERROR_ALREADY_EXISTS, "Already exists"},
      {TRITONSERVER_ERROR_CANCELLED, "<invalid code>"},
  };
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
    TRITONSERVER_Error *error = TRITONSERVER_ErrorNew(expected[i].code, "x");
    assert_int_equal(TRITONSERVER_ErrorCode(error), expected[i].code);
    assert_string_equal(TRITONSERVER_ErrorCodeString(error), expected[i].text);
    TRITONSERVER_ErrorDelete(error);
  }
}

static void enum_values_match_triton_abi(void **state)
{
  (void)state;
  assert_int_equal(TRITONSERVER_ERROR_CANCELLED, 7);
  assert_int_equal(TRITONSERVER_TYPE_BYTES, 13);
  assert_int_equal(TRITONSERVER_TYPE_BF16, 14);
  assert_int_equal(TRITONSERVER_INSTANCEGROUPKIND_MODEL, 3);
  assert_int_equal(TRITONSERVER_LOG_VERBOSE, 3);
  assert_int_equal(TRITONSERVER_TRACE_LEVEL_TENSORS, 8);
  assert_int_equal(TRITONSERVER_TRACE_CUSTOM_ACTIVITY, 10);
  assert_int_equal(TRITONSERVER_REQUEST_RELEASE_RESCHEDULE, 2);
  assert_int_equal(TRITONSERVER_MODEL_CONTROL_EXPLICIT, 2);
  assert_int_equal(TRITONSERVER_BATCH_FIRST_DIM, 2);
  assert_int_equal(TRITONSERVER_TXN_DECOUPLED, 2);
  assert_int_equal(TRITONSERVER_METRIC_KIND_HISTOGRAM, 2);
  assert_int_equal(TRITONSERVER_API_VERSION_MAJOR, 1);
  assert_int_equal(TRITONSERVER_API_VERSION_MINOR, 34);
  assert_int_equal(sizeof(TRITONSERVER_DataType), sizeof(int));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(error_keeps_code_and_copies_message),
      cmocka_unit_test(null_message_becomes_empty),
      cmocka_unit_test(code_strings_are_tritons),
      cmocka_unit_test(enum_values_match_triton_abi),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
