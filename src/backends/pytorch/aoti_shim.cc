// aoti_shim.cc: AOTInductor model.pt2 packages through LibTorch's AOTIModelPackageLoader
// (see aoti_shim.h). Runs share torch_shim.cc's guards and result type through
// torch_shim_internal.hh.
#include "aoti_shim.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/inductor/aoti_package/model_package_loader.h>
#include <torch/csrc/inductor/aoti_runner/model_container_runner.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "torch_shim_internal.hh"

struct aoti_package {
  std::unique_ptr<torch::inductor::AOTIModelPackageLoader> loader;
  std::atomic<int> references{1};
  size_t output_count = 0;
};

namespace {

int dtype_of_aoti_name(const std::string &name) {
  static const std::map<std::string, int> table = {
      {"bool", TS_DTYPE_BOOL},   {"uint8", TS_DTYPE_UINT8},     {"int8", TS_DTYPE_INT8},
      {"int16", TS_DTYPE_INT16}, {"int32", TS_DTYPE_INT32},     {"int64", TS_DTYPE_INT64},
      {"float16", TS_DTYPE_FP16}, {"float32", TS_DTYPE_FP32},  {"float64", TS_DTYPE_FP64},
      {"bfloat16", TS_DTYPE_BF16}, {"uint16", TS_DTYPE_UINT16}, {"uint32", TS_DTYPE_UINT32},
      {"uint64", TS_DTYPE_UINT64}};
  auto found = table.find(name);
  return found == table.end() ? TS_DTYPE_INVALID : found->second;
}

// Fills specs from the generated wrapper's input checks:
//   inputs_info_[i].name = "arg2_1";
//   int32_t arg2_1_expected_dtype = aoti_torch_dtype_float32();
//   if (arg2_1_size[0] < 2) / if (arg2_1_size[0] > 64) / if (4 != arg2_1_size[1])
void parse_wrapper(const std::string &source, aoti_specs *specs) {
  std::regex name_re(R"(inputs_info_\[(\d+)\]\.name = \"([A-Za-z0-9_]+)\";)");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), name_re);
       it != std::sregex_iterator(); ++it) {
    size_t index = std::stoul((*it)[1]);
    if (index >= names.size()) names.resize(index + 1);
    names[index] = (*it)[2];
  }
  specs->input_count = names.size();
  specs->inputs = static_cast<aoti_input_spec *>(
      std::calloc(names.size() + 1, sizeof(aoti_input_spec)));
  if (specs->inputs == nullptr) throw std::bad_alloc();
  for (size_t i = 0; i < names.size(); ++i) {
    aoti_input_spec &spec = specs->inputs[i];
    const std::string &n = names[i];
    std::smatch match;
    std::regex dtype_re("int32_t " + n + R"(_expected_dtype = aoti_torch_dtype_([a-z0-9]+)\(\);)");
    if (std::regex_search(source, match, dtype_re)) spec.dtype = dtype_of_aoti_name(match[1]);
    for (size_t d = 0; d < AOTI_MAX_DIMS; ++d) spec.dims[d] = {-1, 0, INT64_MAX};
    std::regex fixed_re(R"(if \((\d+) != )" + n + R"(_size\[(\d+)\]\))");
    std::regex min_re("if \\(" + n + R"(_size\[(\d+)\] < (\d+)\))");
    std::regex max_re("if \\(" + n + R"(_size\[(\d+)\] > (\d+)\))");
    size_t dims = 0;
    auto each = [&](const std::regex &re, auto &&apply) {
      for (auto it = std::sregex_iterator(source.begin(), source.end(), re);
           it != std::sregex_iterator(); ++it)
        apply(*it);
    };
    each(fixed_re, [&](const std::smatch &m) {
      size_t d = std::stoul(m[2]);
      if (d < AOTI_MAX_DIMS) spec.dims[d].fixed = std::stoll(m[1]), dims = std::max(dims, d + 1);
    });
    each(min_re, [&](const std::smatch &m) {
      size_t d = std::stoul(m[1]);
      if (d < AOTI_MAX_DIMS) spec.dims[d].min = std::stoll(m[2]), dims = std::max(dims, d + 1);
    });
    each(max_re, [&](const std::smatch &m) {
      size_t d = std::stoul(m[1]);
      if (d < AOTI_MAX_DIMS) spec.dims[d].max = std::stoll(m[2]), dims = std::max(dims, d + 1);
    });
    // The rank: the assert_size_stride(name, {..}, ...) call lists every dimension.
    std::regex rank_re("assert_size_stride\\(" + n + R"(, \{([^}]*)\})");
    if (std::regex_search(source, match, rank_re)) {
      std::string list = match[1];
      size_t rank = list.empty() ? 0 : 1 + std::count(list.begin(), list.end(), ',');
      dims = std::max(dims, rank);
      spec.known = true;
    }
    spec.dims_count = std::min<size_t>(dims, AOTI_MAX_DIMS);
  }
}

}  // namespace

extern "C" {

char *aoti_package_inspect(const char *path, aoti_specs *specs) {
  *specs = aoti_specs{};
  return torchd::guard_exceptions([&] {
    caffe2::serialize::PyTorchStreamReader reader(path);
    for (const std::string &record : reader.getAllRecords()) {
      const std::string suffix = ".wrapper.cpp";
      if (record.find("data/aotinductor/model/") == std::string::npos ||
          record.size() < suffix.size() ||
          record.compare(record.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      auto [data, size] = reader.getRecord(record);
      std::string source(static_cast<const char *>(data.get()), size);
      parse_wrapper(source, specs);
      specs->found = true;
      return;
    }
  });
}

void aoti_specs_free(aoti_specs *specs) {
  std::free(specs->inputs);
  *specs = aoti_specs{};
}

char *aoti_package_load(const char *path, int device_index, size_t runners,
                        bool inference_mode, aoti_package **package_out) {
  *package_out = nullptr;
  return torchd::guard_exceptions([&] {
    std::shared_lock<std::shared_mutex> shared(torchd::shim_lock());
    c10::InferenceMode guard(inference_mode);
    auto package = std::make_unique<aoti_package>();
    package->loader = std::make_unique<torch::inductor::AOTIModelPackageLoader>(
        path, "model", /*run_single_threaded=*/false, runners == 0 ? 1 : runners,
        static_cast<c10::DeviceIndex>(device_index));
    std::vector<std::string> call_spec = package->loader->get_call_spec();
    // Outputs: count the leaves of the output TreeSpec (nodes whose type is null).
    if (call_spec.size() == 2) {
      const std::string &out = call_spec[1];
      size_t count = 0;
      for (size_t at = out.find("\"type\": null"); at != std::string::npos;
           at = out.find("\"type\": null", at + 1))
        ++count;
      package->output_count = count;
    }
    *package_out = package.release();
  });
}

aoti_package *aoti_package_ref(aoti_package *package) {
  package->references.fetch_add(1);
  return package;
}

void aoti_package_unref(aoti_package *package) {
  if (package != nullptr && package->references.fetch_sub(1) == 1) delete package;
}

size_t aoti_package_output_count(aoti_package *package) { return package->output_count; }

char *aoti_package_run(aoti_package *package, const ts_run_options *options,
                       const ts_value *args, size_t arg_count, ts_result **result_out) {
  return torchd::run_tensors(
      options, args, arg_count,
      [package](std::vector<at::Tensor> &&inputs) {
        return package->loader->run(inputs, /*stream_handle=*/nullptr);
      },
      result_out);
}

}  // extern "C"
