/*
 * io_names.c: naming-convention detection and validation for inputs and outputs
 * (see io_names.h).
 */
#include "io_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Indices larger than this are certainly out of range; capping avoids int overflow. */
enum { MAX_NAMED_INDEX = 1000000 };

bool pt_named_index(const char *name, int *index, bool *has_separator) {
  const char *separator = strstr(name, "__");
  if (has_separator != NULL) *has_separator = separator != NULL;
  if (separator == NULL) return false;
  long value = 0;
  for (const char *digit = separator + 2; *digit != '\0'; ++digit) {
    if (*digit < '0' || *digit > '9') return false;
    if (value <= MAX_NAMED_INDEX) value = value * 10 + (*digit - '0');
  }
  *index = value > MAX_NAMED_INDEX ? MAX_NAMED_INDEX + 1 : (int)value;
  return true;
}

static char *strict_ordering_warning(const char *kind, const char *name, const char *model) {
  char *text = NULL;
  int length;
  if (strcmp(kind, "input") == 0)
    length = asprintf(&text,
                      "input '%s' or previous input(s) are neither an input argument to the "
                      "model '%s' nor do they follow the <name>__<index> naming convention. "
                      "Falling back to enforcing strict ordering from model configuration.",
                      name, model);
  else
    length = asprintf(&text,
                      "output '%s' or previous output(s) of the model '%s' do not follow the "
                      "<name>__<index> naming convention. Falling back to enforcing strict "
                      "ordering from model configuration.",
                      name, model);
  return length < 0 ? NULL : text;
}

/* Tries NAMED_INDEX over all names; on failure returns the first offending name through
 * *offender and whether it had a "__" (which is what makes Triton warn). */
static bool all_named_index(const char *const *names, size_t count, int *indices,
                            const char **offender, bool *offender_had_separator) {
  for (size_t i = 0; i < count; ++i) {
    bool has_separator = false;
    if (!pt_named_index(names[i], &indices[i], &has_separator)) {
      *offender = names[i];
      *offender_had_separator = has_separator;
      return false;
    }
  }
  return true;
}

static pt_error *check_unique(const char *model, const char *kind, const char *const *names,
                              size_t count, const int *indices) {
  for (size_t i = 0; i < count; ++i)
    for (size_t j = 0; j < i; ++j)
      if (indices[i] == indices[j])
        return pt_error_new(PT_ERR_INVALID_ARG,
                            "%ss '%s' and '%s' of model '%s' both map to %s index %d; each "
                            "%s needs its own index",
                            kind, names[j], names[i], model,
                            strcmp(kind, "input") == 0 ? "argument" : "output", indices[i], kind);
  return NULL;
}

pt_error *pt_map_inputs(const char *model, const char *const *names, size_t count,
                        const char *const *arg_names, size_t arg_count, pt_naming *naming,
                        int *slots, char **warning) {
  if (warning != NULL) *warning = NULL;
  bool by_argument = count > 0;
  for (size_t i = 0; i < count && by_argument; ++i) {
    slots[i] = -1;
    for (size_t a = 0; a < arg_count; ++a)
      if (strcmp(names[i], arg_names[a]) == 0) slots[i] = (int)a;
    by_argument = slots[i] >= 0;
  }
  const char *offender = NULL;
  bool offender_had_separator = false;
  if (by_argument) {
    *naming = PT_NAMING_FORWARD_ARGUMENT;
  } else if (all_named_index(names, count, slots, &offender, &offender_had_separator)) {
    *naming = PT_NAMING_NAMED_INDEX;
  } else {
    *naming = PT_NAMING_STRICT_CONFIG_ORDERING;
    for (size_t i = 0; i < count; ++i) slots[i] = (int)i;
    if (offender_had_separator && warning != NULL)
      *warning = strict_ordering_warning("input", offender, model);
  }
  return pt_check_input_slots(model, names, count, slots, arg_count);
}

pt_error *pt_check_input_slots(const char *model, const char *const *names, size_t count,
                               const int *slots, size_t arg_count) {
  for (size_t i = 0; i < count; ++i)
    if (slots[i] < 0 || slots[i] >= (int)arg_count)
      return pt_error_new(PT_ERR_INVALID_ARG,
                          "input '%s' of model '%s' maps to argument index %d, but the "
                          "model's method takes %zu argument(s) (indices 0 to %zu)",
                          names[i], model, slots[i], arg_count,
                          arg_count == 0 ? (size_t)0 : arg_count - 1);
  return check_unique(model, "input", names, count, slots);
}

pt_error *pt_map_outputs(const char *model, const char *const *names, size_t count,
                         pt_naming *naming, int *indices, char **warning) {
  if (warning != NULL) *warning = NULL;
  const char *offender = NULL;
  bool offender_had_separator = false;
  if (count > 0 && all_named_index(names, count, indices, &offender, &offender_had_separator)) {
    *naming = PT_NAMING_NAMED_INDEX;
  } else {
    *naming = PT_NAMING_STRICT_CONFIG_ORDERING;
    for (size_t i = 0; i < count; ++i) indices[i] = (int)i;
    if (offender_had_separator && warning != NULL)
      *warning = strict_ordering_warning("output", offender, model);
  }
  return check_unique(model, "output", names, count, indices);
}
