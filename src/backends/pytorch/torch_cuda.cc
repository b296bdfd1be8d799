// torch_cuda.cc: CUDA streams and device timing for the shim (see torch_cuda.h), and the
// ts_streams part of torch_shim.h. Without TORCHD_WITH_CUDA (a LibTorch without CUDA)
// the scope does nothing, and ts_streams_create and ts_copy_bytes fail with a clear
// message.

#include "torch_cuda.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/cuda.h>
#ifdef TORCHD_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

struct ts_streams {
#ifdef TORCHD_WITH_CUDA
  std::vector<c10::cuda::CUDAStream> streams;
#endif
};

namespace torchd {

#ifdef TORCHD_WITH_CUDA
struct DeviceScope::State {
  std::optional<c10::cuda::CUDAGuard> device;
  std::optional<c10::cuda::CUDAMultiStreamGuard> streams;
  std::optional<at::cuda::CUDAEvent> start, end;
};

DeviceScope::DeviceScope(const ts_run_options &options) {
  if (options.device_kind != TS_DEVICE_CUDA && options.streams == nullptr) return;
  state_ = std::make_unique<State>();
  if (options.device_kind == TS_DEVICE_CUDA)
    state_->device.emplace(static_cast<c10::DeviceIndex>(options.device_index));
  if (options.streams != nullptr) state_->streams.emplace(options.streams->streams);
  if (options.device_kind == TS_DEVICE_CUDA) {
    state_->start.emplace(cudaEventDefault);  // timing enabled (the default flag is not)
    state_->end.emplace(cudaEventDefault);
    state_->start->record();
  }
}

DeviceScope::~DeviceScope() = default;

void DeviceScope::compute_done() {
  if (state_ && state_->end) state_->end->record();
}

std::uint64_t DeviceScope::compute_ns() {
  if (!state_ || !state_->start || !state_->end || !state_->end->isCreated()) return 0;
  state_->end->synchronize();
  double ms = state_->start->elapsed_time(*state_->end);
  return ms > 0 ? static_cast<std::uint64_t>(ms * 1e6) : 0;
}
#else
struct DeviceScope::State {};
DeviceScope::DeviceScope(const ts_run_options &options) {
  if (options.device_kind == TS_DEVICE_CUDA || options.streams != nullptr)
    throw std::runtime_error("this PyTorch backend was built against a LibTorch without CUDA");
}
DeviceScope::~DeviceScope() = default;
void DeviceScope::compute_done() {}
std::uint64_t DeviceScope::compute_ns() { return 0; }
#endif

}  // namespace torchd

namespace {
char *message_of(const std::string &text) {
  char *message = static_cast<char *>(std::malloc(text.size() + 1));
  if (message != nullptr) std::memcpy(message, text.c_str(), text.size() + 1);
  return message;
}
}  // namespace

extern "C" {

char *ts_streams_create(const int *devices, size_t count, ts_streams **streams_out) {
  *streams_out = nullptr;
#ifdef TORCHD_WITH_CUDA
  try {
    int visible = static_cast<int>(torch::cuda::device_count());
    auto set = std::make_unique<ts_streams>();
    for (size_t i = 0; i < count; ++i) {
      if (devices[i] < 0 || devices[i] >= visible)
        return message_of("CUDA device " + std::to_string(devices[i]) +
                          " is not visible to LibTorch (it sees " + std::to_string(visible) +
                          ")");
      set->streams.push_back(c10::cuda::getStreamFromPool(
          false, static_cast<c10::DeviceIndex>(devices[i])));
    }
    *streams_out = set.release();
    return nullptr;
  } catch (const std::exception &error) {
    return message_of(error.what());
  }
#else
  (void)devices;
  (void)count;
  return message_of("this PyTorch backend was built against a LibTorch without CUDA");
#endif
}

void ts_streams_free(ts_streams *streams) { delete streams; }

char *ts_copy_bytes(void *destination, const void *source, size_t bytes, int device) {
#ifdef TORCHD_WITH_CUDA
  if (bytes == 0) return nullptr;
  try {
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
    // Unified addressing tells the direction from the pointers themselves.
    cudaError_t status = cudaMemcpy(destination, source, bytes, cudaMemcpyDefault);
    if (status != cudaSuccess)
      return message_of(std::string("copying ") + std::to_string(bytes) +
                        " bytes to or from GPU memory failed: " + cudaGetErrorString(status));
    return nullptr;
  } catch (const std::exception &error) {
    return message_of(error.what());
  }
#else
  (void)destination;
  (void)source;
  (void)bytes;
  (void)device;
  return message_of("GPU memory given to a PyTorch backend built against a LibTorch "
                    "without CUDA");
#endif
}

}  // extern "C"
