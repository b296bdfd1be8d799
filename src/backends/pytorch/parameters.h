/*
 * parameters.h: the `parameters` keys of a PyTorch model config (pytorch-backend.md §1.1,
 * plus our METHOD_NAME and OPTIMIZE_FOR_INFERENCE).
 *
 * Why it exists: the keys, defaults, accepted spellings, error strings and INFO lines are
 * what Triton users and Triton's QA rely on, so they are parsed in one place, exactly:
 * booleans true/on/1 and false/off/0 (any case), integers like std::stoi (leading blanks and
 * sign, trailing garbage ignored), and nothing logged when the config has no parameters.
 */
#ifndef TORCHD_PYTORCH_PARAMETERS_H
#define TORCHD_PYTORCH_PARAMETERS_H

#include <json-c/json.h>
#include <stdbool.h>

#include "pt_error.h"

/* A boolean switch that may be left unset (then the backend does not touch it). */
enum { PT_UNSET = -1 };

typedef struct {
  bool present;                     /* the config has a parameters section */
  bool disable_optimized_execution; /* DISABLE_OPTIMIZED_EXECUTION, default false */
  bool enable_cache_cleaning;       /* ENABLE_CACHE_CLEANING, default false */
  bool inference_mode;              /* INFERENCE_MODE, default true */
  bool disable_cudnn;               /* DISABLE_CUDNN, default false */
  int enable_tensor_fuser;          /* ENABLE_TENSOR_FUSER: PT_UNSET, 0 or 1 */
  int enable_weight_sharing;        /* ENABLE_WEIGHT_SHARING: PT_UNSET (= off), 0 or 1 */
  int enable_jit_profiling;         /* ENABLE_JIT_PROFILING: PT_UNSET, 0 or 1 */
  int enable_jit_executor;          /* ENABLE_JIT_EXECUTOR: PT_UNSET, 0 or 1 */
  int intra_op_thread_count;        /* INTRA_OP_THREAD_COUNT: > 0 acts, else unset */
  int inter_op_thread_count;        /* INTER_OP_THREAD_COUNT: > 0 acts, else unset */
  int optimize_for_inference;       /* OPTIMIZE_FOR_INFERENCE: PT_UNSET (= off), 0 or 1 */
  char *method_name;                /* METHOD_NAME, default "forward" (owned) */
  bool method_name_set;
  bool nvfuser_given;               /* removed key ENABLE_NVFUSER was given (ignored) */
  bool module_method_name_given;    /* removed key MODULE_METHOD_NAME was given (ignored) */
} pt_parameters;

/* Triton's ParseBoolValue: true/on/1, false/off/0, case-insensitive; otherwise
 * INVALID_ARG "failed to convert '<value>' to boolean". */
pt_error *pt_parse_bool(const char *text, bool *value);
/* Triton's ParseIntValue (std::stoi): otherwise INVALID_ARG
 * "failed to convert '<value>' to integral number" (also for out-of-range values, where
 * Triton crashed). */
pt_error *pt_parse_int(const char *text, int *value);

/* Fills *params from the config's "parameters" JSON object (borrowed; NULL when the config
 * has none), defaults first. The first bad value fails. On success the caller releases the
 * result with pt_parameters_clear. */
pt_error *pt_parameters_parse(struct json_object *parameters, pt_parameters *params);
void pt_parameters_clear(pt_parameters *params);

/* Calls emit(line) for each INFO line Triton logs when parsing (§1.1), in Triton's order,
 * for model `model`. The thread-count lines are not included: they print values known only
 * once applied (see model.c). Nothing is emitted when !params->present. */
void pt_parameters_log_lines(const pt_parameters *params, const char *model,
                             void (*emit)(void *context, const char *line), void *context);

#endif
