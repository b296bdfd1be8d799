// torch_shim.cc: the only C++ (and the only LibTorch user) of the PyTorch backend.
//
// Implements torch_shim.h: loading TorchScript from memory, describing a method's schema,
// running it over borrowed input memory with per-call switches that are restored after the
// call (and, through torch_cuda.h, the instance's device and streams), and splitting what
// it returns into outputs. Every C++ exception is caught at the
// API boundary and turned into a malloc'd message (see the header for ownership).

#include "torch_shim.h"

#include "torch_cuda.h"
#include "torch_shim_internal.hh"

#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/passes/tensorexpr_fuser.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/script.h>
#ifdef TORCHD_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

extern "C" void omp_set_num_threads(int);  // libgomp, already a LibTorch dependency

struct ts_module {
  std::atomic<int> references{1};
  torch::jit::Module module;
};

namespace {

// One output of a result: the value, its dict key if any, and the host copy we expose.
struct OutputItem {
  c10::IValue value;
  std::string key;
  bool has_key = false;
  bool materialized = false;
  at::Tensor host;                       // contiguous CPU tensor (tensor outputs)
  std::vector<int64_t> shape;
  std::vector<std::string> strings;      // string outputs
  std::vector<const char *> string_ptrs;
  std::vector<size_t> string_lengths;
};

char *copy_message(const std::string &text) {
  char *message = static_cast<char *>(std::malloc(text.size() + 1));
  if (message != nullptr) std::memcpy(message, text.c_str(), text.size() + 1);
  return message;
}

char *dup_text(const std::string &text) { return copy_message(text); }

// Runs `body`, turning any exception into an error message (NULL when none).
template <typename Body>
char *guarded(Body &&body) {
  try {
    body();
    return nullptr;
  } catch (const c10::Error &error) {
    return copy_message(error.what_without_backtrace());
  } catch (const std::exception &error) {
    return copy_message(error.what());
  } catch (...) {
    return copy_message("unknown C++ exception in LibTorch");
  }
}

// A ReadAdapterInterface over borrowed memory, so loading needs no copy of the file.
class MemoryReader : public caffe2::serialize::ReadAdapterInterface {
 public:
  MemoryReader(const void *bytes, size_t size)
      : bytes_(static_cast<const char *>(bytes)), size_(size) {}
  size_t size() const override { return size_; }
  size_t read(uint64_t pos, void *buf, size_t n, const char *) const override {
    if (pos >= size_) return 0;
    size_t count = std::min<size_t>(n, size_ - pos);
    std::memcpy(buf, bytes_ + pos, count);
    return count;
  }

 private:
  const char *bytes_;
  size_t size_;
};

at::ScalarType scalar_type_of(int dtype) {
  switch (dtype) {
    case TS_DTYPE_BOOL: return at::kBool;
    case TS_DTYPE_UINT8: return at::kByte;
    case TS_DTYPE_INT8: return at::kChar;
    case TS_DTYPE_INT16: return at::kShort;
    case TS_DTYPE_INT32: return at::kInt;
    case TS_DTYPE_INT64: return at::kLong;
    case TS_DTYPE_FP16: return at::kHalf;
    case TS_DTYPE_FP32: return at::kFloat;
    case TS_DTYPE_FP64: return at::kDouble;
    case TS_DTYPE_BF16: return at::kBFloat16;
    default: break;
  }
  throw std::invalid_argument("data type " + std::to_string(dtype) +
                              " has no LibTorch equivalent");
}

int dtype_of(at::ScalarType type) {
  switch (type) {
    case at::kBool: return TS_DTYPE_BOOL;
    case at::kByte: return TS_DTYPE_UINT8;
    case at::kChar: return TS_DTYPE_INT8;
    case at::kShort: return TS_DTYPE_INT16;
    case at::kInt: return TS_DTYPE_INT32;
    case at::kLong: return TS_DTYPE_INT64;
    case at::kHalf: return TS_DTYPE_FP16;
    case at::kFloat: return TS_DTYPE_FP32;
    case at::kDouble: return TS_DTYPE_FP64;
    case at::kBFloat16: return TS_DTYPE_BF16;
    default: return TS_DTYPE_INVALID;
  }
}

ts_arg_kind arg_kind_of(const c10::TypePtr &type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType: return TS_ARG_TENSOR;
    case c10::TypeKind::OptionalType: {
      auto element = type->expectRef<c10::OptionalType>().getElementType();
      return element->kind() == c10::TypeKind::TensorType ? TS_ARG_OPTIONAL_TENSOR : TS_ARG_OTHER;
    }
    case c10::TypeKind::ListType: {
      auto element = type->expectRef<c10::ListType>().getElementType();
      return element->kind() == c10::TypeKind::StringType ? TS_ARG_STRING_LIST : TS_ARG_OTHER_LIST;
    }
    case c10::TypeKind::DictType: {
      const auto &dict = type->expectRef<c10::DictType>();
      bool str_tensor = dict.getKeyType()->kind() == c10::TypeKind::StringType &&
                        dict.getValueType()->kind() == c10::TypeKind::TensorType;
      return str_tensor ? TS_ARG_TENSOR_DICT : TS_ARG_OTHER_DICT;
    }
    default: return TS_ARG_OTHER;
  }
}

// Serializes executes that flip process-global LibTorch switches against all others.
std::shared_mutex &global_switch_lock() {
  static std::shared_mutex lock;
  return lock;
}

bool uses_global_switches(const ts_run_options &options) {
  return !options.cudnn_enabled || options.tensor_fuser >= 0 || options.jit_profiling >= 0 ||
         options.jit_executor >= 0;
}

// Sets the per-call switches and restores every one of them when it goes out of scope.
class SwitchScope {
 public:
  explicit SwitchScope(const ts_run_options &options)
      : optimize_(torch::jit::getGraphExecutorOptimize()),
        cudnn_(at::globalContext().userEnabledCuDNN()),
        fuser_(torch::jit::tensorExprFuserEnabled()),
        profiling_(torch::jit::getProfilingMode().load()),
        executor_(torch::jit::getExecutorMode().load()) {
    torch::jit::setGraphExecutorOptimize(options.optimized_execution);
    if (!options.cudnn_enabled) at::globalContext().setUserEnabledCuDNN(false);
    if (options.tensor_fuser >= 0) torch::jit::setTensorExprFuserEnabled(options.tensor_fuser);
    if (options.jit_profiling >= 0) torch::jit::getProfilingMode() = options.jit_profiling != 0;
    if (options.jit_executor >= 0) torch::jit::getExecutorMode() = options.jit_executor != 0;
    if (options.intra_op_threads > 0) {
      (void)at::get_num_threads();  // lets LibTorch do its lazy per-thread init first
      omp_set_num_threads(options.intra_op_threads);  // this thread only
    }
  }
  ~SwitchScope() {
    torch::jit::setGraphExecutorOptimize(optimize_);
    at::globalContext().setUserEnabledCuDNN(cudnn_);
    torch::jit::setTensorExprFuserEnabled(fuser_);
    torch::jit::getProfilingMode() = profiling_;
    torch::jit::getExecutorMode() = executor_;
  }
  SwitchScope(const SwitchScope &) = delete;
  SwitchScope &operator=(const SwitchScope &) = delete;

 private:
  bool optimize_, cudnn_, fuser_, profiling_, executor_;
};

c10::IValue make_argument(const ts_value &value, const ts_run_options &options) {
  if (value.kind == TS_VALUE_NONE) return c10::IValue();
  if (value.kind == TS_VALUE_STRINGS) {
    c10::List<std::string> list;
    list.reserve(value.string_count);
    for (size_t i = 0; i < value.string_count; ++i)
      list.push_back(std::string(value.strings[i], value.string_lengths[i]));
    return list;
  }
  std::vector<int64_t> shape(value.shape, value.shape + value.dims_count);
  auto tensor_options = torch::TensorOptions().dtype(scalar_type_of(value.dtype));
  int64_t elements = 1;
  for (int64_t dim : shape) elements *= dim;
  // Zero-size inputs get a real (empty) tensor rather than a view of a NULL pointer.
  at::Tensor tensor = elements == 0 || value.data == nullptr
                         ? torch::zeros(shape, tensor_options)
                         : torch::from_blob(value.data, shape, tensor_options);
  if (options.device_kind == TS_DEVICE_CUDA)
    tensor = tensor.to(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(options.device_index)));
  return tensor;
}

bool is_string_list(const c10::IValue &value) {
  return value.isList() &&
         value.toList().elementType()->kind() == c10::TypeKind::StringType;
}

bool is_tensor_list(const c10::IValue &value) {
  return value.isList() &&
         value.toList().elementType()->kind() == c10::TypeKind::TensorType;
}

void add_item(std::vector<OutputItem> &items, const c10::IValue &value) {
  OutputItem item;
  item.value = value;
  items.push_back(std::move(item));
}

void add_dict_items(std::vector<OutputItem> &items, const c10::IValue &value) {
  for (const auto &entry : value.toGenericDict()) {
    if (!entry.key().isString() || !entry.value().isTensor())
      throw std::invalid_argument(
          "output dictionary must map str to Tensor, received " + value.type()->str());
    OutputItem item;
    item.value = entry.value();
    item.key = entry.key().toStringRef();
    item.has_key = true;
    items.push_back(std::move(item));
  }
}

// Splits a method's return value into outputs (see ts_module_run in the header).
std::vector<OutputItem> split_outputs(const c10::IValue &value) {
  std::vector<OutputItem> items;
  if (value.isTensor() || is_string_list(value)) {
    add_item(items, value);
  } else if (value.isTuple()) {
    const auto &elements = value.toTupleRef().elements();
    for (size_t i = 0; i < elements.size(); ++i) {
      const auto &element = elements[i];
      if (element.isTensor() || is_string_list(element)) {
        add_item(items, element);
      } else if (element.isGenericDict()) {
        add_dict_items(items, element);
      } else if (element.isList()) {
        throw std::invalid_argument("output at index " + std::to_string(i) +
                                    " must be of type Tensor or List[str], received List[" +
                                    element.toList().elementType()->str() + "]");
      } else {
        throw std::invalid_argument("output at index " + std::to_string(i) +
                                    " must be of type Tensor or List[str], received " +
                                    element.type()->str());
      }
    }
  } else if (is_tensor_list(value)) {
    for (const auto &element : value.toList()) add_item(items, element);
  } else if (value.isGenericDict()) {
    add_dict_items(items, value);
  } else if (value.isList()) {
    throw std::invalid_argument("output must be of type Tensor or List[str], received List[" +
                                value.toList().elementType()->str() + "]");
  } else {
    throw std::invalid_argument(
        "output must be of type Tensor, List[str] or Tuple containing one of these two types. "
        "It should not be a List / Dictionary of Tensors or a Scalar");
  }
  return items;
}

// Index of the first argument a caller passes: methods take `self` (a class) first.
size_t first_argument(const std::vector<c10::Argument> &arguments) {
  return !arguments.empty() && arguments[0].type()->kind() == c10::TypeKind::ClassType ? 1 : 0;
}

}  // namespace

struct ts_result {
  std::vector<OutputItem> items;
  uint64_t device_compute_ns = 0;
};

extern "C" {

char *ts_module_load(const void *bytes, size_t size, const ts_load_options *options,
                     ts_module **module_out) {
  *module_out = nullptr;
  return guarded([&] {
    std::shared_lock<std::shared_mutex> shared(global_switch_lock());
    c10::InferenceMode inference_guard(options->inference_mode);
    c10::optional<c10::Device> device;
    if (options->device_kind == TS_DEVICE_CPU) device = c10::Device(c10::kCPU);
    if (options->device_kind == TS_DEVICE_CUDA)
      device = c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(options->device_index));
    auto reader = std::make_shared<MemoryReader>(bytes, size);
    auto holder = std::make_unique<ts_module>();
    holder->module = torch::jit::load(reader, device);
    if (options->optimize_for_inference) {
      holder->module.eval();
      std::vector<std::string> keep;
      if (options->method_name != nullptr && std::strcmp(options->method_name, "forward") != 0)
        keep.emplace_back(options->method_name);
      // Freeze first ourselves so a method other than forward survives freezing.
      holder->module = torch::jit::freeze(holder->module, keep);
      holder->module = torch::jit::optimize_for_inference(holder->module, keep);
    }
    *module_out = holder.release();
  });
}

ts_module *ts_module_ref(ts_module *module) {
  module->references.fetch_add(1);
  return module;
}

void ts_module_unref(ts_module *module) {
  if (module == nullptr) return;
  if (module->references.fetch_sub(1) == 1) delete module;
}

char *ts_module_schema(ts_module *module, const char *method_name, ts_schema **schema_out) {
  *schema_out = nullptr;
  return guarded([&] {
    auto method = module->module.find_method(method_name);
    if (!method)
      throw std::invalid_argument(std::string("the model has no method named '") + method_name +
                                  "'");
    const auto &schema = method->function().getSchema();
    const auto &arguments = schema.arguments();
    size_t first = first_argument(arguments);
    auto *out = static_cast<ts_schema *>(std::calloc(1, sizeof(ts_schema)));
    if (out == nullptr) throw std::bad_alloc();
    out->arg_count = arguments.size() - first;
    out->args = static_cast<ts_arg *>(std::calloc(out->arg_count + 1, sizeof(ts_arg)));
    std::string return_text;
    for (const auto &ret : schema.returns()) {
      if (!return_text.empty()) return_text += ", ";
      return_text += ret.type()->annotation_str();
    }
    out->return_text = dup_text(return_text);
    std::vector<c10::TypePtr> returned;
    for (const auto &ret : schema.returns()) {
      if (ret.type()->kind() == c10::TypeKind::TupleType) {
        for (const auto &element : ret.type()->containedTypes()) returned.push_back(element);
      } else {
        returned.push_back(ret.type());
      }
    }
    out->return_count = returned.size();
    out->return_kinds =
        static_cast<ts_arg_kind *>(std::calloc(returned.size() + 1, sizeof(ts_arg_kind)));
    for (size_t i = 0; out->return_kinds != nullptr && i < returned.size(); ++i)
      out->return_kinds[i] = arg_kind_of(returned[i]);
    for (size_t i = 0; out->args != nullptr && i < out->arg_count; ++i) {
      const auto &argument = arguments[first + i];
      out->args[i].name = dup_text(argument.name());
      out->args[i].type_text = dup_text(argument.type()->annotation_str());
      out->args[i].kind = arg_kind_of(argument.type());
      out->args[i].has_default = argument.default_value().has_value();
    }
    if (out->args == nullptr || out->return_kinds == nullptr) {
      ts_schema_free(out);
      throw std::bad_alloc();
    }
    *schema_out = out;
  });
}

void ts_schema_free(ts_schema *schema) {
  if (schema == nullptr) return;
  for (size_t i = 0; schema->args != nullptr && i < schema->arg_count; ++i) {
    std::free(schema->args[i].name);
    std::free(schema->args[i].type_text);
  }
  std::free(schema->args);
  std::free(schema->return_text);
  std::free(schema->return_kinds);
  std::free(schema);
}

char *ts_module_run(ts_module *module, const char *method_name, const ts_run_options *options,
                    const ts_value *args, size_t arg_count, const char *const *dict_keys,
                    ts_result **result_out) {
  *result_out = nullptr;
  return guarded([&] {
    std::shared_lock<std::shared_mutex> shared(global_switch_lock(), std::defer_lock);
    std::unique_lock<std::shared_mutex> exclusive(global_switch_lock(), std::defer_lock);
    if (uses_global_switches(*options))
      exclusive.lock();
    else
      shared.lock();
    SwitchScope switches(*options);
    c10::InferenceMode inference_guard(options->inference_mode);
    torch::NoGradGuard no_grad;
    torchd::DeviceScope device(*options);  // device, streams and timing, KIND_GPU/MODEL

    std::vector<c10::IValue> inputs;
    if (dict_keys != nullptr) {
      c10::Dict<std::string, at::Tensor> dict;
      for (size_t i = 0; i < arg_count; ++i) {
        if (args[i].kind != TS_VALUE_TENSOR)
          throw std::invalid_argument(std::string("dictionary input '") + dict_keys[i] +
                                      "' must be a tensor");
        dict.insert(dict_keys[i], make_argument(args[i], *options).toTensor());
      }
      inputs.emplace_back(dict);
    }
    auto method = module->module.get_method(method_name);
    if (dict_keys == nullptr) {
      const auto &arguments = method.function().getSchema().arguments();
      size_t first = first_argument(arguments);
      inputs.reserve(arg_count);
      for (size_t i = 0; i < arg_count; ++i) {
        if (args[i].kind != TS_VALUE_DEFAULT) {
          inputs.push_back(make_argument(args[i], *options));
          continue;
        }
        if (first + i >= arguments.size() || !arguments[first + i].default_value())
          throw std::invalid_argument("argument " + std::to_string(i) +
                                      " has no default value to take");
        inputs.push_back(*arguments[first + i].default_value());
      }
    }
    c10::IValue value = method(std::move(inputs));
    device.compute_done();
    auto result = std::make_unique<ts_result>();
    result->items = split_outputs(value);
    // Device outputs come back on the instance's stream, before its scope ends.
    for (auto &item : result->items)
      if (item.value.isTensor() && !item.value.toTensor().device().is_cpu())
        item.value = item.value.toTensor().contiguous().to(at::kCPU);
    result->device_compute_ns = device.compute_ns();
    *result_out = result.release();
  });
}

size_t ts_result_count(const ts_result *result) { return result->items.size(); }

uint64_t ts_result_device_compute_ns(const ts_result *result) {
  return result->device_compute_ns;
}

char *ts_result_output(ts_result *result, size_t index, ts_output *out) {
  std::memset(out, 0, sizeof(*out));
  return guarded([&] {
    OutputItem &item = result->items.at(index);
    if (!item.materialized) {
      if (item.value.isTensor()) {
        item.host = item.value.toTensor().contiguous().to(at::kCPU);
        item.shape = item.host.sizes().vec();
      } else {
        for (const auto &element : item.value.toList()) {
          item.strings.push_back(static_cast<c10::IValue>(element).toStringRef());
        }
        for (const auto &text : item.strings) {
          item.string_ptrs.push_back(text.data());
          item.string_lengths.push_back(text.size());
        }
        item.shape.push_back(static_cast<int64_t>(item.strings.size()));
      }
      item.materialized = true;
    }
    out->key = item.has_key ? item.key.c_str() : nullptr;
    out->shape = item.shape.data();
    if (item.value.isTensor()) {
      out->kind = TS_VALUE_TENSOR;
      out->dtype = dtype_of(item.host.scalar_type());
      out->dims_count = item.shape.size();
      out->data = item.host.data_ptr();
      out->byte_size = item.host.numel() * item.host.element_size();
    } else {
      out->kind = TS_VALUE_STRINGS;
      out->dtype = TS_DTYPE_BYTES;
      out->dims_count = 1;
      out->strings = item.string_ptrs.data();
      out->string_lengths = item.string_lengths.data();
      out->string_count = item.strings.size();
    }
  });
}

void ts_result_free(ts_result *result) { delete result; }

void ts_current_switches(ts_switches *out) {
  out->optimized_execution = torch::jit::getGraphExecutorOptimize();
  out->cudnn_enabled = at::globalContext().userEnabledCuDNN();
  out->tensor_fuser = torch::jit::tensorExprFuserEnabled();
  out->jit_profiling = torch::jit::getProfilingMode().load();
  out->jit_executor = torch::jit::getExecutorMode().load();
}

void ts_run_exclusively(void (*function)(void *), void *context) {
  std::unique_lock<std::shared_mutex> exclusive(global_switch_lock());
  function(context);
}

int ts_intra_op_threads(void) { return at::get_num_threads(); }

char *ts_set_inter_op_threads(int count, int *effective_out) {
  char *error = guarded([&] { at::set_num_interop_threads(count); });
  *effective_out = at::get_num_interop_threads();
  return error;
}

void ts_empty_cuda_cache(void) {
#ifdef TORCHD_WITH_CUDA
  try {
    c10::cuda::CUDACachingAllocator::emptyCache();
  } catch (...) {
  }
#endif
}

int ts_cuda_device_count(void) {
  try {
    return static_cast<int>(torch::cuda::device_count());
  } catch (...) {
    return 0;
  }
}

}  // extern "C"

namespace torchd {

char *guard_exceptions(const std::function<void()> &body) { return guarded(body); }

std::shared_mutex &shim_lock() { return global_switch_lock(); }

char *run_tensors(const ts_run_options *options, const ts_value *args, size_t arg_count,
                  const TensorFunction &function, ts_result **result_out) {
  *result_out = nullptr;
  return guarded([&] {
    std::shared_lock<std::shared_mutex> shared(global_switch_lock(), std::defer_lock);
    std::unique_lock<std::shared_mutex> exclusive(global_switch_lock(), std::defer_lock);
    if (uses_global_switches(*options))
      exclusive.lock();
    else
      shared.lock();
    SwitchScope switches(*options);
    c10::InferenceMode inference_guard(options->inference_mode);
    torch::NoGradGuard no_grad;
    torchd::DeviceScope device(*options);
    std::vector<at::Tensor> inputs;
    inputs.reserve(arg_count);
    for (size_t i = 0; i < arg_count; ++i) {
      if (args[i].kind != TS_VALUE_TENSOR)
        throw std::invalid_argument("input " + std::to_string(i) + " must be a tensor");
      inputs.push_back(make_argument(args[i], *options).toTensor());
    }
    std::vector<at::Tensor> outputs = function(std::move(inputs));
    device.compute_done();
    auto result = std::make_unique<ts_result>();
    for (auto &tensor : outputs) {
      OutputItem item;
      item.value = tensor.device().is_cpu() ? tensor : tensor.contiguous().to(at::kCPU);
      result->items.push_back(std::move(item));
    }
    result->device_compute_ns = device.compute_ns();
    *result_out = result.release();
  });
}

}  // namespace torchd

