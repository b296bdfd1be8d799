/*
 * torch_shim.h: the small C API over LibTorch that the rest of the PyTorch backend uses.
 *
 * Why it exists: LibTorch has no C API, and compiling anything that includes
 * <torch/script.h> costs ~15 s and ~750 MB. So every use of LibTorch lives in ONE C++
 * translation unit (torch_shim.cc) behind this header; everything else in the backend is C.
 *
 * Conventions:
 *  - A function that can fail returns `char *`: NULL on success, otherwise a malloc'd error
 *    message the caller owns and releases with free(). No C++ exception ever crosses this
 *    boundary.
 *  - Data types use TRITONSERVER_DataType numbering (see TS_DTYPE_*), so no conversion table
 *    is needed on the C side; 0 (TS_DTYPE_INVALID) means "no Triton equivalent".
 *  - Tensors handed to ts_module_run() wrap the caller's memory (no copy); that memory must
 *    stay valid until ts_module_run() returns.
 */
#ifndef TORCHD_PYTORCH_TORCH_SHIM_H
#define TORCHD_PYTORCH_TORCH_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "values.h"

#ifdef __cplusplus
extern "C" {
#endif


/* A loaded TorchScript module; reference counted so instances can share weights. */
typedef struct ts_module ts_module;
/* The value a method returned, already split into outputs (see ts_result_output). */
typedef struct ts_result ts_result;

typedef enum {
  TS_DEVICE_CPU = 0,      /* map every tensor to the CPU */
  TS_DEVICE_CUDA = 1,     /* map every tensor to cuda:<index> */
  TS_DEVICE_AS_SAVED = 2  /* KIND_MODEL: leave tensors where the file recorded them */
} ts_device_kind;

typedef struct {
  ts_device_kind device_kind;
  int device_index;          /* CUDA ordinal for TS_DEVICE_CUDA, else ignored */
  bool inference_mode;       /* InferenceMode guard around the load (INFERENCE_MODE) */
  bool optimize_for_inference; /* eval() + torch.jit.freeze + optimize_for_inference */
  const char *method_name;   /* method kept by freezing besides forward; NULL = forward */
} ts_load_options;

/* Loads a TorchScript archive from `size` bytes at `bytes` (borrowed, read only during the
 * call). On success *module_out is a new module with one reference (caller releases it
 * with ts_module_unref). No eval()/freeze is applied unless optimize_for_inference. */
char *ts_module_load(const void *bytes, size_t size, const ts_load_options *options,
                     ts_module **module_out);
/* Adds a reference and returns the same module. */
ts_module *ts_module_ref(ts_module *module);
/* Drops a reference; the module is destroyed with its last reference. NULL is a no-op. */
void ts_module_unref(ts_module *module);

/* ---- method schema ---- */
typedef enum {
  TS_ARG_TENSOR = 0,          /* Tensor */
  TS_ARG_OPTIONAL_TENSOR,     /* Optional[Tensor] */
  TS_ARG_STRING_LIST,         /* List[str] */
  TS_ARG_OTHER_LIST,          /* List[<anything else>], e.g. List[Tensor] */
  TS_ARG_TENSOR_DICT,         /* Dict[str, Tensor] */
  TS_ARG_OTHER_DICT,          /* Dict of other key/value types */
  TS_ARG_OTHER                /* int, float, class types, ... */
} ts_arg_kind;

typedef struct {
  char *name;       /* argument name as written in the method */
  char *type_text;  /* TorchScript spelling, e.g. "Tensor", "Optional[Tensor]", "str[]" */
  ts_arg_kind kind;
  bool has_default; /* the signature gives a default value (`x: Optional[Tensor] = None`) */
} ts_arg;

typedef struct {
  size_t arg_count; /* arguments excluding `self` */
  ts_arg *args;
  char *return_text; /* TorchScript spelling of the return type */
  size_t return_count;      /* values returned: tuple elements, else 1 */
  ts_arg_kind *return_kinds; /* kind of each returned value (Tensor, List[str], ...) */
} ts_schema;

/* Describes `method_name` of the module (`self` excluded). On success *schema_out is owned
 * by the caller and released with ts_schema_free. Fails when the method does not exist. */
char *ts_module_schema(ts_module *module, const char *method_name, ts_schema **schema_out);
void ts_schema_free(ts_schema *schema);

/* ---- running ---- */

/* ---- CUDA streams ----
 * A set of LibTorch pool streams, one per listed device, that an instance installs as
 * the current streams while it runs (so its work never shares the default stream with
 * other instances). */
typedef struct ts_streams ts_streams;
/* Creates one stream on each of devices[0..count). On success *streams_out is owned by
 * the caller (ts_streams_free). Fails on a build without CUDA or for a device LibTorch
 * does not see. */
char *ts_streams_create(const int *devices, size_t count, ts_streams **streams_out);
void ts_streams_free(ts_streams *streams); /* NULL is a no-op */

/* Copies `bytes` between host and GPU memory or within GPU memory (one side may be a CUDA
 * device pointer, e.g. a client's CUDA shared-memory region), on `device`; synchronous.
 * Returns NULL, or a malloc'd message (also on a build without CUDA). */
char *ts_copy_bytes(void *destination, const void *source, size_t bytes, int device);

/* Per-execute switches; each is set before the call and restored after it. Switches that
 * are process-global in LibTorch (cudnn, fuser, profiling, executor) make the call run
 * exclusively of every other ts_module_run in the process, so no other model sees them. */
typedef struct {
  bool inference_mode;      /* InferenceMode(true) vs explicitly disabled; NoGrad always */
  bool optimized_execution; /* setGraphExecutorOptimize (thread-local in LibTorch) */
  bool cudnn_enabled;       /* false = disabled for the call (process-global switch) */
  int tensor_fuser;         /* -1 leave as is, 0/1 set (process-global switch) */
  int jit_profiling;        /* -1 leave as is, 0/1 set (process-global switch) */
  int jit_executor;         /* -1 leave as is, 0/1 set (process-global switch) */
  int intra_op_threads;     /* > 0: OpenMP threads of the calling thread; <= 0 leave */
  ts_device_kind device_kind; /* TS_DEVICE_CUDA: inputs are copied to cuda:<device_index>
                                 before the call, which runs with that device current and
                                 is timed with CUDA events (KIND_GPU) */
  int device_index;
  const ts_streams *streams;  /* installed as the current streams for the call (borrowed;
                                 NULL: leave the current streams) */
} ts_run_options;

/* Runs `method_name` with `args`. When `dict_keys` is non-NULL the method is called with a
 * single Dict[str, Tensor] mapping dict_keys[i] to args[i] (all must be tensors).
 * On success *result_out is owned by the caller (ts_result_free). The returned value is
 * split into outputs: a Tensor or List[str] gives one output; a tuple gives one output per
 * element (each a Tensor or List[str], or a Dict[str, Tensor] whose entries become keyed
 * outputs); a List[Tensor] gives one output per element; a Dict[str, Tensor] gives keyed
 * outputs. Anything else fails with Triton's message for it. */
char *ts_module_run(ts_module *module, const char *method_name, const ts_run_options *options,
                    const ts_value *args, size_t arg_count, const char *const *dict_keys,
                    ts_result **result_out);


size_t ts_result_count(const ts_result *result);
/* Time the device spent from the first input copy to the end of the method, measured with
 * CUDA events on the instance's stream (TS_DEVICE_CUDA); 0 for CPU runs. Outputs are
 * already on the host when ts_module_run returns. */
uint64_t ts_result_device_compute_ns(const ts_result *result);
/* Fills *out with output `index` made contiguous and on the CPU. Pointers in *out stay
 * valid until ts_result_free(result). */
char *ts_result_output(ts_result *result, size_t index, ts_output *out);
void ts_result_free(ts_result *result);

/* The calling thread's view of the switches ts_module_run scopes (for diagnostics and
 * for tests that check nothing leaks out of a call). */
typedef struct {
  bool optimized_execution, cudnn_enabled, tensor_fuser, jit_profiling, jit_executor;
} ts_switches;
void ts_current_switches(ts_switches *out);

/* ---- process-wide settings ---- */
/* Runs function(context) while no load or run of this shim (nor of aoti_shim.h) is in
 * progress in any thread: the Python runtime imports torch under it, since torch's Python
 * start-up registers process-wide state that a concurrent LibTorch load or run corrupts. */
void ts_run_exclusively(void (*function)(void *), void *context);

/* LibTorch's intra-op thread count as seen by the calling thread. */
int ts_intra_op_threads(void);
/* Sets the inter-op pool size; LibTorch allows this once, before the pool starts. On
 * failure returns the message; *effective_out always receives the size in effect. */
char *ts_set_inter_op_threads(int count, int *effective_out);
/* Releases cached CUDA memory (no-op on a CPU build). */
void ts_empty_cuda_cache(void);
/* Number of visible CUDA devices (0 on a CPU build). */
int ts_cuda_device_count(void);

#ifdef __cplusplus
}
#endif
#endif
