/*
 * io_names.h: which forward() argument each config input feeds, and which returned value
 * each config output reads (pytorch-backend.md §3.2-3.3).
 *
 * Why it exists: Triton picks one naming convention per model from the config names alone
 * (forward-argument names, then <name>__<index>, then strict config order) and never
 * checked the resulting indices; two inputs could land in one slot and an index past the
 * argument count wrote out of bounds. Here the mapping is computed once and validated: a
 * duplicate or out-of-range index fails the load with a message naming both inputs.
 */
#ifndef TORCHD_PYTORCH_IO_NAMES_H
#define TORCHD_PYTORCH_IO_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "pt_error.h"

typedef enum {
  PT_NAMING_FORWARD_ARGUMENT = 0,
  PT_NAMING_NAMED_INDEX = 1,
  PT_NAMING_STRICT_CONFIG_ORDERING = 2
} pt_naming;

/* Parses "<name>__<digits>": true when `name` contains "__" and everything after the FIRST
 * "__" is ASCII digits (an empty suffix counts and gives 0), storing the number in *index.
 * *has_separator (may be NULL) says whether "__" appeared at all. */
bool pt_named_index(const char *name, int *index, bool *has_separator);

/* Maps `count` config input names to forward-argument slots. `arg_names` are the method's
 * argument names (self excluded). Writes the chosen convention to *naming and each input's
 * slot to slots[i]. When strict ordering was chosen because some name had "__" followed by
 * a non-digit, *warning (may be NULL) receives Triton's WARN text (malloc'd, caller frees),
 * else NULL. Fails (INVALID_ARG) when two inputs map to one slot or a slot is >= arg_count.
 */
pt_error *pt_map_inputs(const char *model, const char *const *names, size_t count,
                        const char *const *arg_names, size_t arg_count, pt_naming *naming,
                        int *slots, char **warning);

/* Checks that every slot is within [0, arg_count) and that no two inputs share one
 * (INVALID_ARG naming the inputs otherwise). Used for config inputs together with the
 * sequence control and state inputs, which bring their own __N indices. */
pt_error *pt_check_input_slots(const char *model, const char *const *names, size_t count,
                               const int *slots, size_t arg_count);

/* Maps `count` config output names to indices of the returned values (NAMED_INDEX or strict
 * config order), with the same *warning rule. Fails (INVALID_ARG) when two outputs map to
 * one index. Whether an index exists is known only after a run. */
pt_error *pt_map_outputs(const char *model, const char *const *names, size_t count,
                         pt_naming *naming, int *indices, char **warning);

#endif
