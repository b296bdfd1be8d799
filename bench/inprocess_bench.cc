// inprocess_bench: the "limit" baseline of the benchmarks — the cost of the model alone.
//
// Why this exists: a serving system can only add cost on top of running the model, so the
// benchmark reports measure torchd and the Python server against this program, which loads
// the same TorchScript file with LibTorch in-process and times `forward` in a tight loop at
// each batch size (no network, no queues, no copies beyond making the input once).
//
// Output: CSV on stdout, one row per batch size:
//   system,model,batch,calls,median_us,p99_us,items_per_s
// (per-call wall time of forward; items/s = batch * calls / total time). A note on the
// threads used goes to stderr.
//
// Threads: LibTorch's intra-op pool is set to --threads, or by default to the number of
// cores this process may run on (sched_getaffinity), so `taskset -c 1 inprocess_bench ...`
// measures one core with one thread instead of oversubscribing. Inter-op threads are 1
// (forward of these models never forks work).
//
// Usage:
//   inprocess_bench --model PATH.pt --name NAME --input 16 [--input 16] [--batches 1,2,4]
//                   [--seconds 1.0] [--min-calls 5] [--warmup 3] [--threads N] [--optimize]
//                   [--header]
// --optimize freezes the module and runs optimize_for_inference on it first, as the
// PyTorch backend's OPTIMIZE_FOR_INFERENCE parameter does.
// --input gives one input's dims without the batch dimension (comma-separated); repeat it
// per forward argument, in order. Inputs are filled with deterministic pseudo-random values.

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/script.h>

namespace {

struct Options {
  std::string model_path;
  std::string name;
  std::vector<std::vector<int64_t>> inputs;  // dims per input, batch dim excluded
  std::vector<int64_t> batches = {1, 2, 4, 8, 16, 32, 64};
  double seconds = 1.0;
  long min_calls = 5;
  long warmup = 3;
  int threads = 0;  // 0: one per core of the affinity mask
  bool header = false;
  bool optimize = false;  // freeze + optimize_for_inference, as OPTIMIZE_FOR_INFERENCE does
};

[[noreturn]] void usage_error(const std::string &message) {
  std::fprintf(stderr,
               "inprocess_bench: %s\n"
               "usage: inprocess_bench --model PATH.pt --name NAME --input DIMS [--input DIMS]\n"
               "       [--batches 1,2,4,...] [--seconds S] [--min-calls N] [--warmup N]"
               " [--threads N]"
               " [--optimize] [--header]\n",
               message.c_str());
  std::exit(2);
}

// Parses "3,224,224" into integers >= 1; exits with a usage error naming `flag` otherwise.
std::vector<int64_t> parse_int_list(const char *flag, const char *text) {
  std::vector<int64_t> values;
  const char *p = text;
  while (*p != '\0') {
    char *end = nullptr;
    long long v = std::strtoll(p, &end, 10);
    if (end == p || v < 1 || (*end != ',' && *end != '\0'))
      usage_error(std::string(flag) + " expects positive integers separated by commas, got '" +
                  text + "'");
    values.push_back(v);
    p = *end == ',' ? end + 1 : end;
  }
  if (values.empty()) usage_error(std::string(flag) + " expects at least one integer");
  return values;
}

Options parse_options(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    if (flag == "--header") {
      o.header = true;
      continue;
    }
    if (flag == "--optimize") {
      o.optimize = true;
      continue;
    }
    if (i + 1 >= argc) usage_error("missing value after " + flag);
    const char *value = argv[++i];
    if (flag == "--model") {
      o.model_path = value;
    } else if (flag == "--name") {
      o.name = value;
    } else if (flag == "--input") {
      o.inputs.push_back(parse_int_list("--input", value));
    } else if (flag == "--batches") {
      o.batches = parse_int_list("--batches", value);
    } else if (flag == "--seconds") {
      o.seconds = std::atof(value);
      if (!(o.seconds > 0)) usage_error(std::string("--seconds expects a number > 0, got ") + value);
    } else if (flag == "--min-calls") {
      o.min_calls = parse_int_list("--min-calls", value)[0];
    } else if (flag == "--warmup") {
      o.warmup = parse_int_list("--warmup", value)[0];
    } else if (flag == "--threads") {
      o.threads = static_cast<int>(parse_int_list("--threads", value)[0]);
    } else {
      usage_error("unknown flag " + flag);
    }
  }
  if (o.model_path.empty()) usage_error("--model is required");
  if (o.inputs.empty()) usage_error("at least one --input is required");
  if (o.name.empty()) o.name = o.model_path;
  return o;
}

int cores_in_affinity_mask() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

// Value at fraction q (0..1) of sorted samples (nearest rank).
double percentile(const std::vector<double> &sorted, double q) {
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()) + 0.5);
  rank = std::min(std::max<size_t>(rank, 1), sorted.size());
  return sorted[rank - 1];
}

// Runs forward on a batch of `batch` items until both `seconds` and `min_calls` are reached;
// prints one CSV row. Throws what LibTorch throws.
void bench_batch(torch::jit::Module &module, const Options &o, int64_t batch) {
  std::vector<torch::jit::IValue> args;
  for (const auto &dims : o.inputs) {
    std::vector<int64_t> shape = {batch};
    shape.insert(shape.end(), dims.begin(), dims.end());
    args.emplace_back(at::rand(shape));
  }
  for (long i = 0; i < o.warmup; i++) module.forward(args);  // JIT profiling runs first

  using clock = std::chrono::steady_clock;
  std::vector<double> call_us;
  const auto start = clock::now();
  double elapsed = 0;
  while (elapsed < o.seconds || static_cast<long>(call_us.size()) < o.min_calls) {
    const auto t0 = clock::now();
    module.forward(args);
    const auto t1 = clock::now();
    call_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    elapsed = std::chrono::duration<double>(t1 - start).count();
  }
  std::sort(call_us.begin(), call_us.end());
  double total_s = 0;
  for (double us : call_us) total_s += us / 1e6;
  std::printf("inprocess,%s,%lld,%zu,%.1f,%.1f,%.1f\n", o.name.c_str(),
              static_cast<long long>(batch), call_us.size(), percentile(call_us, 0.5),
              percentile(call_us, 0.99),
              static_cast<double>(batch) * static_cast<double>(call_us.size()) / total_s);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
  const Options o = parse_options(argc, argv);
  const int threads = o.threads > 0 ? o.threads : cores_in_affinity_mask();
  at::set_num_interop_threads(1);
  at::set_num_threads(threads);
  std::fprintf(stderr, "inprocess_bench: %s: intra-op threads %d (%s), inter-op threads 1\n",
               o.name.c_str(), threads,
               o.threads > 0 ? "--threads" : "one per core this process may run on");
  try {
    c10::InferenceMode inference_mode;
    torch::jit::Module module = torch::jit::load(o.model_path, torch::kCPU);
    module.eval();
    if (o.optimize) {  // the backend's OPTIMIZE_FOR_INFERENCE, done the same way
      module = torch::jit::freeze(module);
      module = torch::jit::optimize_for_inference(module);
    }
    if (o.header) std::printf("system,model,batch,calls,median_us,p99_us,items_per_s\n");
    for (int64_t batch : o.batches) bench_batch(module, o, batch);
  } catch (const std::exception &e) {
    std::string message = e.what();  // LibTorch appends a C++ backtrace: drop it
    message = message.substr(0, message.find("\nException raised from"));
    std::fprintf(stderr, "inprocess_bench: %s: %s\n", o.model_path.c_str(), message.c_str());
    return 1;
  }
  return 0;
}
