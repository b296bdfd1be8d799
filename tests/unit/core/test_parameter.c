/* test_parameter.c — TRITONSERVER_Parameter: typed values, copies, BYTES borrowing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "parameter.h"

static void string_parameter_copies_name_and_value(void **state)
{
  (void)state;
  char value[] = "{\"max_batch_size\":4}";
  TRITONSERVER_Parameter *p =
      TRITONSERVER_ParameterNew("config", TRITONSERVER_PARAMETER_STRING, value);
  assert_non_null(p);
  value[0] = 'X';
  assert_string_equal(p->name, "config");
  assert_int_equal(p->type, TRITONSERVER_PARAMETER_STRING);
  assert_string_equal((const char *)parameter_value(p), "{\"max_batch_size\":4}");
  TRITONSERVER_ParameterDelete(p);
}

static void scalar_parameters_hold_their_values(void **state)
{
  (void)state;
  int64_t i = -42;
  bool b = true;
  double d = 2.5;
  TRITONSERVER_Parameter *pi = TRITONSERVER_ParameterNew("i", TRITONSERVER_PARAMETER_INT, &i);
  TRITONSERVER_Parameter *pb = TRITONSERVER_ParameterNew("b", TRITONSERVER_PARAMETER_BOOL, &b);
  TRITONSERVER_Parameter *pd = TRITONSERVER_ParameterNew("d", TRITONSERVER_PARAMETER_DOUBLE, &d);
  assert_int_equal(*(const int64_t *)parameter_value(pi), -42);
  assert_true(*(const bool *)parameter_value(pb));
  assert_true(*(const double *)parameter_value(pd) == 2.5);
  TRITONSERVER_ParameterDelete(pi);
  TRITONSERVER_ParameterDelete(pb);
  TRITONSERVER_ParameterDelete(pd);
}

static void bytes_need_bytes_new_and_are_borrowed(void **state)
{
  (void)state;
  static const unsigned char data[3] = {1, 2, 3};
  assert_null(TRITONSERVER_ParameterNew("x", TRITONSERVER_PARAMETER_BYTES, data));
  TRITONSERVER_Parameter *p = TRITONSERVER_ParameterBytesNew("file:1/model.pt", data, 3);
  assert_non_null(p);
  assert_int_equal(p->type, TRITONSERVER_PARAMETER_BYTES);
  assert_ptr_equal(parameter_value(p), data);
  assert_int_equal(p->value.bytes_value.byte_size, 3);
  TRITONSERVER_ParameterDelete(p);
}

static void invalid_arguments_give_null(void **state)
{
  (void)state;
  int64_t i = 1;
  assert_null(TRITONSERVER_ParameterNew(NULL, TRITONSERVER_PARAMETER_INT, &i));
  assert_null(TRITONSERVER_ParameterNew("a", TRITONSERVER_PARAMETER_INT, NULL));
  assert_null(TRITONSERVER_ParameterNew("a", (TRITONSERVER_ParameterType)99, &i));
  TRITONSERVER_ParameterDelete(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(string_parameter_copies_name_and_value),
      cmocka_unit_test(scalar_parameters_hold_their_values),
      cmocka_unit_test(bytes_need_bytes_new_and_are_borrowed),
      cmocka_unit_test(invalid_arguments_give_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
