/* test_datatype.c — the enum string and byte-size helpers against Triton's strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "triton/core/tritonserver.h"

static void data_type_strings_round_trip(void **state)
{
  (void)state;
  static const char *names[] = {"BOOL",  "UINT8", "UINT16", "UINT32", "UINT64", "INT8",  "INT16",
                                "INT32", "INT64", "FP16",   "FP32",   "FP64",   "BYTES", "BF16"};
  for (int i = 0; i < 14; i++) {
    TRITONSERVER_DataType type = (TRITONSERVER_DataType)(i + 1);
    assert_string_equal(TRITONSERVER_DataTypeString(type), names[i]);
    assert_int_equal(TRITONSERVER_StringToDataType(names[i]), type);
  }
  assert_string_equal(TRITONSERVER_DataTypeString(TRITONSERVER_TYPE_INVALID), "<invalid>");
  assert_string_equal(TRITONSERVER_DataTypeString((TRITONSERVER_DataType)99), "<invalid>");
  assert_int_equal(TRITONSERVER_StringToDataType("fp32"), TRITONSERVER_TYPE_INVALID);
  assert_int_equal(TRITONSERVER_StringToDataType("TYPE_FP32"), TRITONSERVER_TYPE_INVALID);
  assert_int_equal(TRITONSERVER_StringToDataType(NULL), TRITONSERVER_TYPE_INVALID);
}

static void byte_sizes(void **state)
{
  (void)state;
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_BOOL), 1);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_INT8), 1);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_BF16), 2);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_FP16), 2);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_UINT32), 4);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_FP32), 4);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_INT64), 8);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_FP64), 8);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_BYTES), 0);
  assert_int_equal(TRITONSERVER_DataTypeByteSize(TRITONSERVER_TYPE_INVALID), 0);
}

static void other_enum_strings(void **state)
{
  (void)state;
  assert_string_equal(TRITONSERVER_MemoryTypeString(TRITONSERVER_MEMORY_CPU), "CPU");
  assert_string_equal(TRITONSERVER_MemoryTypeString(TRITONSERVER_MEMORY_CPU_PINNED), "CPU_PINNED");
  assert_string_equal(TRITONSERVER_MemoryTypeString(TRITONSERVER_MEMORY_GPU), "GPU");
  assert_string_equal(TRITONSERVER_ParameterTypeString(TRITONSERVER_PARAMETER_DOUBLE), "DOUBLE");
  assert_string_equal(TRITONSERVER_ParameterTypeString(TRITONSERVER_PARAMETER_BYTES), "BYTES");
  assert_string_equal(TRITONSERVER_InstanceGroupKindString(TRITONSERVER_INSTANCEGROUPKIND_AUTO),
                      "AUTO");
  assert_string_equal(TRITONSERVER_InstanceGroupKindString(TRITONSERVER_INSTANCEGROUPKIND_CPU),
                      "CPU");
  assert_string_equal(TRITONSERVER_InstanceGroupKindString(TRITONSERVER_INSTANCEGROUPKIND_GPU),
                      "GPU");
  assert_string_equal(TRITONSERVER_InstanceGroupKindString(TRITONSERVER_INSTANCEGROUPKIND_MODEL),
                      "MODEL");
  assert_string_equal(TRITONSERVER_InferenceTraceLevelString(TRITONSERVER_TRACE_LEVEL_TIMESTAMPS),
                      "TIMESTAMPS");
  assert_string_equal(
      TRITONSERVER_InferenceTraceActivityString(TRITONSERVER_TRACE_COMPUTE_INPUT_END),
      "COMPUTE_INPUT_END");
  assert_string_equal(
      TRITONSERVER_InferenceTraceActivityString((TRITONSERVER_InferenceTraceActivity)42),
      "<unknown>");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(data_type_strings_round_trip),
      cmocka_unit_test(byte_sizes),
      cmocka_unit_test(other_enum_strings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
