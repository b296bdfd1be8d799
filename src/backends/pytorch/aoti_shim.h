/*
 * aoti_shim.h: AOTInductor packages (model.pt2, made by
 * torch._inductor.aoti_compile_and_package) behind a C API, for runtime_aoti.c.
 *
 * Why it exists: LibTorch's AOTIModelPackageLoader is C++; like torch_shim.h, failures
 * come back as malloc'd messages (caller frees) and no exception crosses.
 *
 * Input specs: AOTInductor packages carry no machine-readable input shapes, but every
 * package holds the generated wrapper source, whose input checks spell each input's dtype
 * and, per dimension, a fixed size or a [min, max] range. aoti_package_inspect reads them
 * from there, so a config can be checked at load (a fixed batch against max_batch_size)
 * and every batch before it runs (AOTInductor itself only checks when the
 * AOTI_RUNTIME_CHECK_INPUTS environment variable is set, and otherwise reads out of
 * bounds).
 */
#ifndef TORCHD_PYTORCH_AOTI_SHIM_H
#define TORCHD_PYTORCH_AOTI_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "torch_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AOTI_MAX_DIMS 8

typedef struct {
  int64_t fixed;    /* the size when fixed, else -1 */
  int64_t min, max; /* the range when dynamic (max INT64_MAX when unbounded) */
} aoti_dim;

typedef struct {
  int dtype;              /* TS_DTYPE_*; TS_DTYPE_INVALID when not found */
  size_t dims_count;      /* 0 with known=false */
  bool known;             /* the wrapper source spelled its shape */
  aoti_dim dims[AOTI_MAX_DIMS];
} aoti_input_spec;

typedef struct {
  size_t input_count;       /* inputs the wrapper source declares */
  aoti_input_spec *inputs;  /* input_count entries */
  bool found;               /* false: the package has no wrapper source to read */
} aoti_specs;

/* Reads the input specs of the package at `path` (model name "model"). On success *specs
 * is filled (aoti_specs_free). */
char *aoti_package_inspect(const char *path, aoti_specs *specs);
void aoti_specs_free(aoti_specs *specs);

typedef struct aoti_package aoti_package;

/* Loads the package for device `device_index` (-1: CPU, else that CUDA ordinal) with
 * `runners` model runners (concurrent runs of one loader; weights shared among them). */
char *aoti_package_load(const char *path, int device_index, size_t runners,
                        bool inference_mode, aoti_package **package_out);
aoti_package *aoti_package_ref(aoti_package *package);
void aoti_package_unref(aoti_package *package); /* NULL-safe */
/* Number of outputs of the package's call spec (flattened); 0 when unknown. */
size_t aoti_package_output_count(aoti_package *package);
/* Runs the package over args (tensors, by position) with ts_module_run's per-call options.
 * On success *result_out is owned by the caller (ts_result_free). */
char *aoti_package_run(aoti_package *package, const ts_run_options *options,
                       const ts_value *args, size_t arg_count, ts_result **result_out);

#ifdef __cplusplus
}
#endif
#endif
