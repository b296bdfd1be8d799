// torch_shim_internal.hh: what the other C++ runtime shims (aoti_shim.cc) borrow from
// torch_shim.cc, in C++: running a function over tensors made from ts_value arguments
// under the same per-call switches, guards, device scope and timing as ts_module_run, and
// handing its tensors back as a ts_result. Not for C.
#pragma once

#include <ATen/Tensor.h>

#include <functional>
#include <shared_mutex>
#include <vector>

#include "torch_shim.h"

namespace torchd {

using TensorFunction = std::function<std::vector<at::Tensor>(std::vector<at::Tensor> &&)>;

// Makes a tensor over each of args[0..arg_count) (no copy on the CPU; every one must be
// a tensor), calls `function` with them under `options`, and returns its tensors as
// outputs 0..n-1 of *result_out (owned by the caller). Returns NULL or a malloc'd message;
// no exception leaves it.
char *run_tensors(const ts_run_options *options, const ts_value *args, size_t arg_count,
                  const TensorFunction &function, ts_result **result_out);

// The lock ts_run_exclusively takes exclusively; loads and runs hold it shared.
std::shared_mutex &shim_lock();

// Runs `body`, turning any exception into a malloc'd message (NULL when none).
char *guard_exceptions(const std::function<void()> &body);

}  // namespace torchd
