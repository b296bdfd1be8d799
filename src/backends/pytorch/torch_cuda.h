// torch_cuda.h: the CUDA side of one ts_module_run, for torch_shim.cc (C++ only).
//
// Why it exists: the shim must run the same way with or without CUDA in the LibTorch it
// is built against. Everything that names a CUDA type lives behind this interface, in
// torch_cuda.cc, and compiles to no-ops when TORCHD_WITH_CUDA is not defined.
#ifndef TORCHD_PYTORCH_TORCH_CUDA_H
#define TORCHD_PYTORCH_TORCH_CUDA_H

#include <cstdint>
#include <memory>

#include "torch_shim.h"

namespace torchd {

// Lives for one run: makes cuda:<device_index> current (TS_DEVICE_CUDA), installs the
// instance's streams as the current ones, and times the device's work with CUDA events
// from construction to compute_done(). Everything is restored on destruction.
class DeviceScope {
 public:
  explicit DeviceScope(const ts_run_options &options);
  ~DeviceScope();
  DeviceScope(const DeviceScope &) = delete;
  DeviceScope &operator=(const DeviceScope &) = delete;

  void compute_done();         // marks the end of the method's work on the device
  std::uint64_t compute_ns();  // waits for it; 0 when nothing was timed

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace torchd

#endif
