/*
 * test_io_names.c: naming conventions of pytorch-backend.md §3.2-3.3 (the io-names cases of
 * Triton's L0_libtorch_io_names) and the duplicate/out-of-range checks Triton lacked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io_names.h"

static const char *const two_args[] = {"alpha", "beta"};

static void test_named_index_parsing(void **unused) {
  (void)unused;
  int index = -1;
  bool separator = false;
  assert_true(pt_named_index("INPUT__0", &index, &separator));
  assert_int_equal(index, 0);
  assert_true(separator);
  assert_true(pt_named_index("x__12", &index, NULL));
  assert_int_equal(index, 12);
  assert_true(pt_named_index("EMPTY__", &index, NULL)); /* empty suffix counts, gives 0 */
  assert_int_equal(index, 0);
  assert_true(pt_named_index("A__1__2", &index, NULL) == false); /* after the FIRST __ */
  assert_false(pt_named_index("INPUT_0", &index, &separator));
  assert_false(separator);
  assert_false(pt_named_index("INPUT__x", &index, &separator));
  assert_true(separator);
}

static void test_forward_argument_names_in_swapped_order(void **unused) {
  (void)unused;
  const char *names[] = {"beta", "alpha"};
  int slots[2];
  pt_naming naming;
  char *warning = NULL;
  assert_null(pt_map_inputs("forward_args", names, 2, two_args, 2, &naming, slots, &warning));
  assert_int_equal(naming, PT_NAMING_FORWARD_ARGUMENT);
  assert_int_equal(slots[0], 1);
  assert_int_equal(slots[1], 0);
  assert_null(warning);
}

static void test_named_index_inputs_reversed(void **unused) {
  (void)unused;
  const char *names[] = {"INPUT__1", "INPUT__0"};
  int slots[2];
  pt_naming naming;
  assert_null(pt_map_inputs("named_index", names, 2, two_args, 2, &naming, slots, NULL));
  assert_int_equal(naming, PT_NAMING_NAMED_INDEX);
  assert_int_equal(slots[0], 1);
  assert_int_equal(slots[1], 0);
}

static void test_mix_falls_back_to_strict_order_with_warning(void **unused) {
  (void)unused;
  const char *names[] = {"INPUT__0", "INPUT__x"};
  int slots[2];
  pt_naming naming;
  char *warning = NULL;
  assert_null(pt_map_inputs("mixed", names, 2, two_args, 2, &naming, slots, &warning));
  assert_int_equal(naming, PT_NAMING_STRICT_CONFIG_ORDERING);
  assert_int_equal(slots[0], 0);
  assert_int_equal(slots[1], 1);
  assert_non_null(warning);
  assert_string_equal(warning,
                      "input 'INPUT__x' or previous input(s) are neither an input argument to "
                      "the model 'mixed' nor do they follow the <name>__<index> naming "
                      "convention. Falling back to enforcing strict ordering from model "
                      "configuration.");
  free(warning);
}

static void test_plain_names_fall_back_silently(void **unused) {
  (void)unused;
  const char *names[] = {"X", "INPUT__1"};
  int slots[2];
  pt_naming naming;
  char *warning = (char *)"not touched";
  assert_null(pt_map_inputs("strict_order", names, 2, two_args, 2, &naming, slots, &warning));
  assert_int_equal(naming, PT_NAMING_STRICT_CONFIG_ORDERING);
  assert_null(warning);
}

static void test_duplicate_index_is_rejected(void **unused) {
  (void)unused;
  const char *names[] = {"A__1", "B__1"};
  int slots[2];
  pt_naming naming;
  pt_error *error = pt_map_inputs("dup", names, 2, two_args, 2, &naming, slots, NULL);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  assert_string_equal(error->message,
                      "inputs 'A__1' and 'B__1' of model 'dup' both map to argument index 1; "
                      "each input needs its own index");
  pt_error_free(error);
}

static void test_out_of_range_index_is_rejected(void **unused) {
  (void)unused;
  const char *names[] = {"A__0", "B__5"};
  int slots[2];
  pt_naming naming;
  pt_error *error = pt_map_inputs("range", names, 2, two_args, 2, &naming, slots, NULL);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  assert_string_equal(error->message,
                      "input 'B__5' of model 'range' maps to argument index 5, but the model's "
                      "method takes 2 argument(s) (indices 0 to 1)");
  pt_error_free(error);
  const char *huge[] = {"A__99999999999999999999"};
  error = pt_map_inputs("range", huge, 1, two_args, 2, &naming, slots, NULL);
  assert_non_null(error);
  pt_error_free(error);
}

static void test_outputs(void **unused) {
  (void)unused;
  const char *indexed[] = {"OUT__1", "OUT__0"};
  int indices[2];
  pt_naming naming;
  char *warning = NULL;
  assert_null(pt_map_outputs("m", indexed, 2, &naming, indices, &warning));
  assert_int_equal(naming, PT_NAMING_NAMED_INDEX);
  assert_int_equal(indices[0], 1);
  assert_int_equal(indices[1], 0);
  const char *plain[] = {"DIFF", "SUM"};
  assert_null(pt_map_outputs("m", plain, 2, &naming, indices, &warning));
  assert_int_equal(naming, PT_NAMING_STRICT_CONFIG_ORDERING);
  assert_int_equal(indices[1], 1);
  assert_null(warning);
  const char *bad[] = {"OUT__0", "OUT__z"};
  assert_null(pt_map_outputs("m", bad, 2, &naming, indices, &warning));
  assert_string_equal(warning,
                      "output 'OUT__z' or previous output(s) of the model 'm' do not follow the "
                      "<name>__<index> naming convention. Falling back to enforcing strict "
                      "ordering from model configuration.");
  free(warning);
  const char *dup[] = {"A__0", "B__0"};
  pt_error *error = pt_map_outputs("m", dup, 2, &naming, indices, NULL);
  assert_non_null(error);
  assert_int_equal(error->code, PT_ERR_INVALID_ARG);
  pt_error_free(error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_named_index_parsing),
      cmocka_unit_test(test_forward_argument_names_in_swapped_order),
      cmocka_unit_test(test_named_index_inputs_reversed),
      cmocka_unit_test(test_mix_falls_back_to_strict_order_with_warning),
      cmocka_unit_test(test_plain_names_fall_back_silently),
      cmocka_unit_test(test_duplicate_index_is_rejected),
      cmocka_unit_test(test_out_of_range_index_is_rejected),
      cmocka_unit_test(test_outputs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
