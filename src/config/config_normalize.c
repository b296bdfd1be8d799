/*
 * config_normalize.c — what Triton's core does to a config before a backend sees it
 * (triton-api.md §1.4 steps 1 and 4, §2.2, §3.2):
 *  - AutoCompleteBackendFields: backend / platform / default_model_filename from the
 *    platform, the file names in the lowest version directory, or a `name.<backend>`
 *    model name;
 *  - NormalizeModelConfig: default version policy, preferred batch sizes, sequence idle
 *    time, pinned-memory defaults;
 *  - NormalizeInstanceGroup: one group when none (named after the model, kind from the
 *    backend's preferred groups), `<model>_<idx>` names, KIND_AUTO resolved to GPU or
 *    CPU, count defaults, GPU lists.
 * Everything is idempotent, so the core may call it again after ModelSetConfig.
 */
#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"
#include "config_message.h"
#include "config_schema.h"
#include "model_config.h"

#define SEQUENCE_IDLE_DEFAULT_MICROSECONDS 1000000u

static void set_string(char **field, const char *value) {
  free(*field);
  *field = cfg_strdup(value);
}

static bool empty(const char *s) { return s == NULL || s[0] == '\0'; }

/* Looks for `name` among the version directory entries; *is_dir tells its type. */
static bool has_entry(const ModelNormalizeOptions *opts, const char *name, bool *is_dir) {
  for (size_t i = 0; opts != NULL && i < opts->version_entry_count; i++) {
    if (strcmp(opts->version_entries[i].name, name) == 0) {
      *is_dir = opts->version_entries[i].is_dir;
      return true;
    }
  }
  return false;
}

static bool has_file(const ModelNormalizeOptions *opts, const char *name) {
  bool is_dir = false;
  return has_entry(opts, name, &is_dir) && !is_dir;
}

static bool has_dir(const ModelNormalizeOptions *opts, const char *name) {
  bool is_dir = false;
  return has_entry(opts, name, &is_dir) && is_dir;
}

static bool has_any(const ModelNormalizeOptions *opts, const char *name) {
  bool is_dir = false;
  return has_entry(opts, name, &is_dir);
}

/* Fills platform and filename defaults for a chosen backend. */
static void complete(ModelConfig *config, const char *platform, const char *file_name) {
  if (platform != NULL && empty(config->platform)) {
    set_string(&config->platform, platform);
  }
  if (file_name != NULL && empty(config->default_model_filename)) {
    set_string(&config->default_model_filename, file_name);
  }
}

/* Triton's AutoCompleteBackendFields once the backend is "pytorch": an empty platform
 * becomes pytorch_libtorch and only then an empty file name becomes model.pt; a
 * torch_aoti platform gets model.pt2. A platform the user (or the file detection) gave
 * leaves the file name as it was: the backend falls back to model.pt by itself. */
static void complete_pytorch_backend(ModelConfig *config) {
  if (empty(config->platform)) {
    set_string(&config->platform, "pytorch_libtorch");
    if (empty(config->default_model_filename) && strcmp(config->runtime, "model.py") != 0) {
      set_string(&config->default_model_filename, "model.pt");
    }
  } else if (strcmp(config->platform, "torch_aoti") == 0 && empty(config->default_model_filename)) {
    set_string(&config->default_model_filename, "model.pt2");
  }
}

/* Backend still empty: does the platform, the file name or the lowest version directory
 * (a file, not a directory) say PyTorch (TorchScript or AOTI)? Sets backend (and the
 * platform when a file decided) and completes the rest. */
static bool complete_pytorch(ModelConfig *config, const ModelNormalizeOptions *opts,
                             bool undecided, const char *platform, const char *alt_platform,
                             const char *file_name) {
  bool by_platform = strcmp(config->platform, platform) == 0 ||
                     (alt_platform != NULL && strcmp(config->platform, alt_platform) == 0);
  bool by_name = strcmp(config->default_model_filename, file_name) == 0;
  bool by_file = undecided && has_file(opts, file_name);
  if (!by_platform && !by_name && !by_file) return false;
  set_string(&config->backend, "pytorch");
  if (by_file && !by_platform && !by_name) set_string(&config->platform, platform);
  complete_pytorch_backend(config);
  return true;
}

void model_config_autocomplete_backend(ModelConfig *config, const ModelNormalizeOptions *opts) {
  const char *model_name = opts != NULL ? opts->model_name : NULL;
  if (empty(config->name) && !empty(model_name)) {
    set_string(&config->name, model_name);
  }
  /* "Nothing but the directory tells": platform and file name are both unset. */
  bool undecided = empty(config->platform) && empty(config->default_model_filename);
  const char *platform = config->platform;
  const char *file_name = config->default_model_filename;

  /* TensorFlow: decided by platform, file name, or a model.savedmodel dir /
   * model.graphdef file. */
  if (empty(config->platform) && (empty(config->backend) || strcmp(config->backend, "tensorflow") == 0)) {
    if (strcmp(file_name, "model.savedmodel") == 0 || (undecided && has_dir(opts, "model.savedmodel"))) {
      set_string(&config->platform, "tensorflow_savedmodel");
    } else if (strcmp(file_name, "model.graphdef") == 0 ||
               (undecided && has_file(opts, "model.graphdef"))) {
      set_string(&config->platform, "tensorflow_graphdef");
    }
    platform = config->platform;
  }
  if (strcmp(platform, "tensorflow_savedmodel") == 0 || strcmp(platform, "tensorflow_graphdef") == 0) {
    if (empty(config->backend)) {
      set_string(&config->backend, "tensorflow");
    }
    complete(config, NULL,
             strcmp(platform, "tensorflow_savedmodel") == 0 ? "model.savedmodel" : "model.graphdef");
    return;
  }

  /* The remaining backends share one pattern: platform or file name names them, or the
   * lowest version directory holds their model file. */
  static const struct {
    const char *backend;
    const char *platform;     /* platform that selects it and is filled in (or NULL) */
    const char *alt_platform; /* another platform name that selects it */
    const char *file_name;
    int file_kind; /* 0 file, 1 file or dir */
  } rules[] = {
      {"tensorrt", "tensorrt_plan", NULL, "model.plan", 0},
      {"onnxruntime", "onnxruntime_onnx", NULL, "model.onnx", 1},
      {"openvino", NULL, NULL, "model.xml", 0},
      {"pytorch", "pytorch_libtorch", "libtorch", "model.pt", 0},
      {"pytorch", "torch_aoti", NULL, "model.pt2", 0},
      {"python", NULL, NULL, "model.py", 0},
  };
  size_t rule_count = sizeof rules / sizeof rules[0];
  if (empty(config->backend)) {
    for (size_t i = 0; i < rule_count; i++) {
      if (strcmp(rules[i].backend, "pytorch") == 0) {
        if (complete_pytorch(config, opts, undecided, rules[i].platform, rules[i].alt_platform,
                             rules[i].file_name))
          return;
        continue;
      }
      bool by_platform = rules[i].platform != NULL && (strcmp(platform, rules[i].platform) == 0 ||
                         (rules[i].alt_platform && strcmp(platform, rules[i].alt_platform) == 0));
      bool by_name = strcmp(file_name, rules[i].file_name) == 0;
      bool by_file = undecided && (rules[i].file_kind ? has_any(opts, rules[i].file_name)
                                                      : has_file(opts, rules[i].file_name));
      if (by_platform || by_name || by_file) {
        set_string(&config->backend, rules[i].backend);
        complete(config, rules[i].platform, rules[i].file_name);
        return;
      }
    }
  } else {
    for (size_t i = 0; i < rule_count; i++) {
      if (strcmp(config->backend, rules[i].backend) != 0) {
        continue;
      }
      if (strcmp(rules[i].backend, "pytorch") == 0) {
        complete_pytorch_backend(config);
        return;
      }
      complete(config, rules[i].platform, rules[i].file_name);
      return;
    }
  }

  /* Custom backend: nothing given at all, and the model is named `x.<backend>`. */
  if (empty(config->backend) && undecided && !empty(model_name)) {
    const char *dot = strchr(model_name, '.');
    if (dot != NULL && dot[1] != '\0') {
      set_string(&config->backend, dot + 1);
      char *file = cfg_printf("model.%s", dot + 1);
      set_string(&config->default_model_filename, file);
      free(file);
    }
  }
}

/* Is GPU id `gpu` present and at least the minimum compute capability? */
static bool gpu_supported(const ModelNormalizeOptions *opts, int32_t gpu) {
  return gpu >= 0 && gpu < opts->gpu_count &&
         (gpu >= 64 || (opts->unsupported_gpus & ((uint64_t)1 << gpu)) == 0);
}

/* How many GPUs may take instances. */
static int supported_gpu_count(const ModelNormalizeOptions *opts) {
  int count = 0;
  for (int g = 0; g < opts->gpu_count; g++) count += gpu_supported(opts, g);
  return count;
}

static void add_all_gpus(ModelInstanceGroup *group, const ModelNormalizeOptions *opts) {
  for (int g = 0; g < opts->gpu_count; g++) {
    if (!gpu_supported(opts, g)) continue;
    int32_t *slot = list_append(&group->gpus, sizeof(int32_t));
    *slot = g;
  }
}

/* NormalizeInstanceGroup. */
static void normalize_instance_groups(ModelConfig *config, const ModelNormalizeOptions *opts) {
  if (config->has_ensemble_scheduling) {
    return; /* instance groups do not apply to ensembles */
  }
  int gpu_count = supported_gpu_count(opts);
  if (config->instance_group.count == 0) {
    ModelInstanceGroup *group = list_append(&config->instance_group, sizeof *group);
    msg_init(schema_instance_group_desc(), group);
    set_string(&group->name, config->name);
    for (size_t i = 0; i < opts->preferred_group_count; i++) {
      const ModelInstanceGroup *preferred = &opts->preferred_groups[i];
      if (preferred->kind == MODEL_KIND_GPU && gpu_count == 0) {
        continue; /* a GPU preference cannot apply without GPUs */
      }
      group->kind = preferred->kind;
      group->count = preferred->count;
      if (preferred->kind == MODEL_KIND_GPU || preferred->kind == MODEL_KIND_AUTO) {
        for (size_t g = 0; g < preferred->gpus.count; g++) {
          int32_t gpu = preferred->gpus.items[g];
          if (preferred->kind == MODEL_KIND_AUTO || gpu_supported(opts, gpu)) {
            int32_t *slot = list_append(&group->gpus, sizeof(int32_t));
            *slot = gpu;
          }
        }
      }
      break;
    }
  }
  bool multi_cpu_backend = strcmp(config->backend, "onnxruntime") == 0 ||
                           strcmp(config->backend, "tensorflow") == 0;
  for (size_t i = 0; i < config->instance_group.count; i++) {
    ModelInstanceGroup *group = &config->instance_group.items[i];
    if (empty(group->name)) {
      char *name = cfg_printf("%s_%zu", config->name, i);
      free(group->name);
      group->name = name;
    }
    if (group->kind == MODEL_KIND_AUTO) {
      group->kind = gpu_count > 0 ? MODEL_KIND_GPU : MODEL_KIND_CPU;
      for (size_t g = 0; g < group->gpus.count && group->kind == MODEL_KIND_GPU; g++) {
        if (!gpu_supported(opts, group->gpus.items[g])) {
          group->kind = MODEL_KIND_CPU;
        }
      }
    }
    if (group->count < 1) {
      group->count = (group->kind == MODEL_KIND_CPU && multi_cpu_backend) ? 2 : 1;
    }
    if (group->kind == MODEL_KIND_GPU && group->gpus.count == 0) {
      add_all_gpus(group, opts);
    }
  }
}

void model_config_normalize(ModelConfig *config, const ModelNormalizeOptions *opts) {
  ModelNormalizeOptions none = {0};
  if (opts == NULL) {
    opts = &none;
  }
  model_config_autocomplete_backend(config, opts);
  if (!config->has_version_policy) {
    config->has_version_policy = true;
    config->version_policy.has_latest = true;
    config->version_policy.latest.num_versions = 1;
  }
  if (config->has_dynamic_batching && config->dynamic_batching.preferred_batch_size.count == 0 &&
      config->max_batch_size > 0) {
    int32_t *slot = list_append(&config->dynamic_batching.preferred_batch_size, sizeof(int32_t));
    *slot = config->max_batch_size;
  }
  if (config->has_sequence_batching) {
    ModelSequenceBatching *sequence = &config->sequence_batching;
    if (sequence->max_sequence_idle_microseconds == 0) {
      sequence->max_sequence_idle_microseconds = SEQUENCE_IDLE_DEFAULT_MICROSECONDS;
    }
    if (sequence->has_oldest && sequence->oldest.preferred_batch_size.count == 0 &&
        config->max_batch_size > 0) {
      int32_t *slot = list_append(&sequence->oldest.preferred_batch_size, sizeof(int32_t));
      *slot = config->max_batch_size;
    }
  }
  if (!config->has_ensemble_scheduling) {
    config->has_optimization = true;
    if (!config->optimization.has_input_pinned_memory) {
      config->optimization.has_input_pinned_memory = true;
      config->optimization.input_pinned_memory.enable = true;
    }
    if (!config->optimization.has_output_pinned_memory) {
      config->optimization.has_output_pinned_memory = true;
      config->optimization.output_pinned_memory.enable = true;
    }
  }
  if (opts->resolve_instance_groups) {
    normalize_instance_groups(config, opts);
  }
}
