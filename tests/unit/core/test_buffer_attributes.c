/* test_buffer_attributes.c — TRITONSERVER_BufferAttributes defaults, setters, getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "triton/core/tritonserver.h"

static void defaults_then_set_and_get(void **state)
{
  (void)state;
  TRITONSERVER_BufferAttributes *a = NULL;
  assert_null(TRITONSERVER_BufferAttributesNew(&a));
  TRITONSERVER_MemoryType type = TRITONSERVER_MEMORY_GPU;
  int64_t id = -1;
  size_t size = 99;
  void *handle = &size;
  assert_null(TRITONSERVER_BufferAttributesMemoryType(a, &type));
  assert_null(TRITONSERVER_BufferAttributesMemoryTypeId(a, &id));
  assert_null(TRITONSERVER_BufferAttributesByteSize(a, &size));
  assert_null(TRITONSERVER_BufferAttributesCudaIpcHandle(a, &handle));
  assert_int_equal(type, TRITONSERVER_MEMORY_CPU);
  assert_int_equal(id, 0);
  assert_int_equal(size, 0);
  assert_null(handle);

  int dummy_handle = 0;
  assert_null(TRITONSERVER_BufferAttributesSetMemoryType(a, TRITONSERVER_MEMORY_CPU_PINNED));
  assert_null(TRITONSERVER_BufferAttributesSetMemoryTypeId(a, 3));
  assert_null(TRITONSERVER_BufferAttributesSetByteSize(a, 4096));
  assert_null(TRITONSERVER_BufferAttributesSetCudaIpcHandle(a, &dummy_handle));
  assert_null(TRITONSERVER_BufferAttributesMemoryType(a, &type));
  assert_null(TRITONSERVER_BufferAttributesMemoryTypeId(a, &id));
  assert_null(TRITONSERVER_BufferAttributesByteSize(a, &size));
  assert_null(TRITONSERVER_BufferAttributesCudaIpcHandle(a, &handle));
  assert_int_equal(type, TRITONSERVER_MEMORY_CPU_PINNED);
  assert_int_equal(id, 3);
  assert_int_equal(size, 4096);
  assert_ptr_equal(handle, &dummy_handle);
  assert_null(TRITONSERVER_BufferAttributesDelete(a));
}

static void bad_arguments(void **state)
{
  (void)state;
  TRITONSERVER_BufferAttributes *a = NULL;
  assert_null(TRITONSERVER_BufferAttributesNew(&a));
  TRITONSERVER_Error *error =
      TRITONSERVER_BufferAttributesSetMemoryType(a, (TRITONSERVER_MemoryType)9);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ErrorDelete(error);
  error = TRITONSERVER_BufferAttributesByteSize(a, NULL);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ErrorDelete(error);
  error = TRITONSERVER_BufferAttributesNew(NULL);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ErrorDelete(error);
  TRITONSERVER_BufferAttributesDelete(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(defaults_then_set_and_get),
      cmocka_unit_test(bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
