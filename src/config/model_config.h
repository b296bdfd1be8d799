/*
 * model_config.h — the typed model configuration (Triton's model_config.proto, package
 * `inference`) and everything torchd does with it: parse config.pbtxt (protobuf text
 * format), read/write the protobuf-style JSON form, clone/free/compare, auto-complete and
 * normalize the way Triton's core does before a backend sees the config, validate with
 * Triton's messages, and a few lookups the core needs.
 *
 * Why typed structs: the core and the frontends read these fields on hot paths (request
 * validation, batching); a plain struct with has-bits is the cheapest and clearest way.
 * All the generic work (parse, JSON, clone, free) is driven by one schema table
 * (config_schema.c) that mirrors this header field for field. Every function is
 * reentrant (no global state); a config may be read from many threads at once.
 *
 * Conventions for every struct below:
 *  - Field order and names follow model_config.proto's declaration order.
 *  - Strings are NUL-terminated UTF-8 and NEVER NULL in a config produced by this library
 *    (an unset string is ""). They are owned by the enclosing config.
 *  - Repeated fields are `{ items, count }` pairs (items malloc'd); maps are lists of
 *    `{ key, value }` entries with unique keys, sorted by key (the last duplicate in the
 *    input wins).
 *  - A message-typed field has a `has_<field>` bit: false means "not present" (protobuf's
 *    has-bit); `reshape: { }` sets has_reshape with an empty shape.
 *  - Members of a oneof also have has-bits, at most one set per oneof.
 *  - Enum values use the proto numbering. Open enums: an unknown integer is kept as is.
 *
 * Memory: a ModelConfig* returned by any function here is owned by the caller and freed
 * with model_config_free(). Every char* error returned through an out-parameter is
 * malloc'd, owned by the caller, released with free(). Out of memory aborts the process
 * (see config_alloc.h); no function here logs.
 */
#ifndef TORCHD_MODEL_CONFIG_H
#define TORCHD_MODEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Enums (numbering equals model_config.proto; DataType also equals TRITONSERVER_DataType).
 * ------------------------------------------------------------------------------------- */

typedef enum ModelDataType {
  MODEL_TYPE_INVALID = 0,
  MODEL_TYPE_BOOL = 1,
  MODEL_TYPE_UINT8 = 2,
  MODEL_TYPE_UINT16 = 3,
  MODEL_TYPE_UINT32 = 4,
  MODEL_TYPE_UINT64 = 5,
  MODEL_TYPE_INT8 = 6,
  MODEL_TYPE_INT16 = 7,
  MODEL_TYPE_INT32 = 8,
  MODEL_TYPE_INT64 = 9,
  MODEL_TYPE_FP16 = 10,
  MODEL_TYPE_FP32 = 11,
  MODEL_TYPE_FP64 = 12,
  MODEL_TYPE_STRING = 13, /* protocol name "BYTES" */
  MODEL_TYPE_BF16 = 14
} ModelDataType;

/* ModelInput.Format */
typedef enum ModelInputFormat {
  MODEL_FORMAT_NONE = 0,
  MODEL_FORMAT_NHWC = 1,
  MODEL_FORMAT_NCHW = 2
} ModelInputFormat;

/* ModelInstanceGroup.Kind — NOT the C API's TRITONSERVER_InstanceGroupKind numbering. */
typedef enum ModelInstanceKind {
  MODEL_KIND_AUTO = 0,
  MODEL_KIND_GPU = 1,
  MODEL_KIND_CPU = 2,
  MODEL_KIND_MODEL = 3
} ModelInstanceKind;

/* ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind */
typedef enum ModelSecondaryDeviceKind { MODEL_SECONDARY_KIND_NVDLA = 0 } ModelSecondaryDeviceKind;

/* BatchInput.Kind */
typedef enum ModelBatchInputKind {
  MODEL_BATCH_ELEMENT_COUNT = 0,
  MODEL_BATCH_ACCUMULATED_ELEMENT_COUNT = 1,
  MODEL_BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO = 2,
  MODEL_BATCH_MAX_ELEMENT_COUNT_AS_SHAPE = 3,
  MODEL_BATCH_ITEM_SHAPE = 4,
  MODEL_BATCH_ITEM_SHAPE_FLATTEN = 5
} ModelBatchInputKind;

/* BatchOutput.Kind */
typedef enum ModelBatchOutputKind { MODEL_BATCH_SCATTER_WITH_INPUT_SHAPE = 0 } ModelBatchOutputKind;

/* ModelOptimizationPolicy.ModelPriority */
typedef enum ModelPriority {
  MODEL_PRIORITY_DEFAULT = 0,
  MODEL_PRIORITY_MAX = 1,
  MODEL_PRIORITY_MIN = 2
} ModelPriority;

/* ModelQueuePolicy.TimeoutAction */
typedef enum ModelTimeoutAction { MODEL_TIMEOUT_REJECT = 0, MODEL_TIMEOUT_DELAY = 1 } ModelTimeoutAction;

/* ModelSequenceBatching.Control.Kind */
typedef enum ModelControlKind {
  MODEL_CONTROL_SEQUENCE_START = 0,
  MODEL_CONTROL_SEQUENCE_READY = 1,
  MODEL_CONTROL_SEQUENCE_END = 2,
  MODEL_CONTROL_SEQUENCE_CORRID = 3
} ModelControlKind;

/* ---------------------------------------------------------------------------------------
 * Repeated scalars and string maps
 * ------------------------------------------------------------------------------------- */

typedef struct ModelInt64List { int64_t *items; size_t count; } ModelInt64List;
typedef struct ModelInt32List { int32_t *items; size_t count; } ModelInt32List;
typedef struct ModelFloatList { float *items; size_t count; } ModelFloatList;
typedef struct ModelDoubleList { double *items; size_t count; } ModelDoubleList;
typedef struct ModelBoolList { bool *items; size_t count; } ModelBoolList;
typedef struct ModelStringList { char **items; size_t count; } ModelStringList;

typedef struct ModelStringMapEntry { char *key; char *value; } ModelStringMapEntry;
typedef struct ModelStringMap { ModelStringMapEntry *items; size_t count; } ModelStringMap;

/* ---------------------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------------------- */

/* ModelRateLimiter */
typedef struct ModelRateLimiterResource {
  char *name;
  bool global;
  uint32_t count;
} ModelRateLimiterResource;
typedef struct ModelRateLimiterResourceList { ModelRateLimiterResource *items; size_t count; } ModelRateLimiterResourceList;

typedef struct ModelRateLimiter {
  ModelRateLimiterResourceList resources;
  uint32_t priority;
} ModelRateLimiter;

/* ModelInstanceGroup */
typedef struct ModelSecondaryDevice {
  ModelSecondaryDeviceKind kind;
  int64_t device_id;
} ModelSecondaryDevice;
typedef struct ModelSecondaryDeviceList { ModelSecondaryDevice *items; size_t count; } ModelSecondaryDeviceList;

typedef struct ModelInstanceGroup {
  char *name;
  ModelInstanceKind kind;
  int32_t count;
  bool has_rate_limiter;
  ModelRateLimiter rate_limiter;
  ModelInt32List gpus;
  ModelSecondaryDeviceList secondary_devices;
  ModelStringList profile;
  bool passive;
  char *host_policy;
} ModelInstanceGroup;
typedef struct ModelInstanceGroupList { ModelInstanceGroup *items; size_t count; } ModelInstanceGroupList;

/* ModelTensorReshape */
typedef struct ModelTensorReshape {
  ModelInt64List shape;
} ModelTensorReshape;

/* ModelInput */
typedef struct ModelInput {
  char *name;
  ModelDataType data_type;
  ModelInputFormat format;
  ModelInt64List dims;
  bool has_reshape;
  ModelTensorReshape reshape;
  bool is_shape_tensor;
  bool allow_ragged_batch;
  bool optional;
  bool is_non_linear_format_io;
} ModelInput;
typedef struct ModelInputList { ModelInput *items; size_t count; } ModelInputList;

/* ModelOutput */
typedef struct ModelOutput {
  char *name;
  ModelDataType data_type;
  ModelInt64List dims;
  bool has_reshape;
  ModelTensorReshape reshape;
  char *label_filename;
  bool is_shape_tensor;
  bool is_non_linear_format_io;
} ModelOutput;
typedef struct ModelOutputList { ModelOutput *items; size_t count; } ModelOutputList;

/* BatchInput / BatchOutput */
typedef struct ModelBatchInput {
  ModelBatchInputKind kind;
  ModelStringList target_name;
  ModelDataType data_type;
  ModelStringList source_input;
} ModelBatchInput;
typedef struct ModelBatchInputList { ModelBatchInput *items; size_t count; } ModelBatchInputList;

typedef struct ModelBatchOutput {
  ModelStringList target_name;
  ModelBatchOutputKind kind;
  ModelStringList source_input;
} ModelBatchOutput;
typedef struct ModelBatchOutputList { ModelBatchOutput *items; size_t count; } ModelBatchOutputList;

/* ModelVersionPolicy: oneof policy_choice { latest, all, specific } */
typedef struct ModelVersionPolicyLatest { uint32_t num_versions; } ModelVersionPolicyLatest;
typedef struct ModelVersionPolicyAll { char unused_; } ModelVersionPolicyAll; /* empty message */
typedef struct ModelVersionPolicySpecific { ModelInt64List versions; } ModelVersionPolicySpecific;

typedef struct ModelVersionPolicy {
  bool has_latest;
  ModelVersionPolicyLatest latest;
  bool has_all;
  ModelVersionPolicyAll all;
  bool has_specific;
  ModelVersionPolicySpecific specific;
} ModelVersionPolicy;

/* ModelOptimizationPolicy */
typedef struct ModelOptimizationGraph { int32_t level; } ModelOptimizationGraph;

typedef struct ModelCudaGraphShape { ModelInt64List dim; } ModelCudaGraphShape;
typedef struct ModelCudaGraphShapeMapEntry { char *key; ModelCudaGraphShape value; } ModelCudaGraphShapeMapEntry;
typedef struct ModelCudaGraphShapeMap { ModelCudaGraphShapeMapEntry *items; size_t count; } ModelCudaGraphShapeMap;

typedef struct ModelCudaGraphLowerBound {
  int32_t batch_size;
  ModelCudaGraphShapeMap input;
} ModelCudaGraphLowerBound;

typedef struct ModelCudaGraphSpec {
  int32_t batch_size;
  ModelCudaGraphShapeMap input;
  bool has_graph_lower_bound;
  ModelCudaGraphLowerBound graph_lower_bound;
} ModelCudaGraphSpec;
typedef struct ModelCudaGraphSpecList { ModelCudaGraphSpec *items; size_t count; } ModelCudaGraphSpecList;

typedef struct ModelOptimizationCuda {
  bool graphs;
  bool busy_wait_events;
  ModelCudaGraphSpecList graph_spec;
  bool output_copy_stream;
} ModelOptimizationCuda;

typedef struct ModelAccelerator {
  char *name;
  ModelStringMap parameters;
} ModelAccelerator;
typedef struct ModelAcceleratorList { ModelAccelerator *items; size_t count; } ModelAcceleratorList;

typedef struct ModelExecutionAccelerators {
  ModelAcceleratorList gpu_execution_accelerator;
  ModelAcceleratorList cpu_execution_accelerator;
} ModelExecutionAccelerators;

typedef struct ModelPinnedMemoryBuffer { bool enable; } ModelPinnedMemoryBuffer;

typedef struct ModelOptimizationPolicy {
  bool has_graph;
  ModelOptimizationGraph graph;
  ModelPriority priority;
  bool has_cuda;
  ModelOptimizationCuda cuda;
  bool has_execution_accelerators;
  ModelExecutionAccelerators execution_accelerators;
  bool has_input_pinned_memory;
  ModelPinnedMemoryBuffer input_pinned_memory;
  bool has_output_pinned_memory;
  ModelPinnedMemoryBuffer output_pinned_memory;
  uint32_t gather_kernel_buffer_threshold;
  bool eager_batching;
} ModelOptimizationPolicy;

/* ModelQueuePolicy */
typedef struct ModelQueuePolicy {
  ModelTimeoutAction timeout_action;
  uint64_t default_timeout_microseconds;
  bool allow_timeout_override;
  uint32_t max_queue_size;
} ModelQueuePolicy;
typedef struct ModelQueuePolicyMapEntry { uint64_t key; ModelQueuePolicy value; } ModelQueuePolicyMapEntry;
typedef struct ModelQueuePolicyMap { ModelQueuePolicyMapEntry *items; size_t count; } ModelQueuePolicyMap;

/* ModelDynamicBatching */
typedef struct ModelDynamicBatching {
  ModelInt32List preferred_batch_size;
  uint64_t max_queue_delay_microseconds;
  bool preserve_ordering;
  uint64_t priority_levels;
  uint64_t default_priority_level;
  bool has_default_queue_policy;
  ModelQueuePolicy default_queue_policy;
  ModelQueuePolicyMap priority_queue_policy; /* key: priority level */
} ModelDynamicBatching;

/* ModelSequenceBatching */
typedef struct ModelSequenceControl {
  ModelControlKind kind;
  ModelInt32List int32_false_true;
  ModelFloatList fp32_false_true;
  ModelBoolList bool_false_true;
  ModelDataType data_type;
} ModelSequenceControl;
typedef struct ModelSequenceControlList { ModelSequenceControl *items; size_t count; } ModelSequenceControlList;

typedef struct ModelSequenceControlInput {
  char *name;
  ModelSequenceControlList control;
} ModelSequenceControlInput;
typedef struct ModelSequenceControlInputList { ModelSequenceControlInput *items; size_t count; } ModelSequenceControlInputList;

typedef struct ModelSequenceInitialState {
  ModelDataType data_type;
  ModelInt64List dims;
  /* oneof state_data */
  bool has_zero_data;
  bool zero_data;
  bool has_data_file;
  char *data_file;
  char *name;
} ModelSequenceInitialState;
typedef struct ModelSequenceInitialStateList { ModelSequenceInitialState *items; size_t count; } ModelSequenceInitialStateList;

typedef struct ModelSequenceState {
  char *input_name;
  char *output_name;
  ModelDataType data_type;
  ModelInt64List dims;
  ModelSequenceInitialStateList initial_state;
  bool use_same_buffer_for_input_output;
  bool use_growable_memory;
} ModelSequenceState;
typedef struct ModelSequenceStateList { ModelSequenceState *items; size_t count; } ModelSequenceStateList;

typedef struct ModelSequenceStrategyDirect {
  uint64_t max_queue_delay_microseconds;
  float minimum_slot_utilization;
} ModelSequenceStrategyDirect;

typedef struct ModelSequenceStrategyOldest {
  int32_t max_candidate_sequences;
  ModelInt32List preferred_batch_size;
  uint64_t max_queue_delay_microseconds;
  bool preserve_ordering;
} ModelSequenceStrategyOldest;

typedef struct ModelSequenceBatching {
  /* oneof strategy_choice */
  bool has_direct;
  ModelSequenceStrategyDirect direct;
  bool has_oldest;
  ModelSequenceStrategyOldest oldest;
  uint64_t max_sequence_idle_microseconds;
  ModelSequenceControlInputList control_input;
  ModelSequenceStateList state;
  bool iterative_sequence;
} ModelSequenceBatching;

/* ModelEnsembling */
typedef struct ModelEnsembleStep {
  char *model_name;
  int64_t model_version;
  ModelStringMap input_map;
  ModelStringMap output_map;
  char *model_namespace;
} ModelEnsembleStep;
typedef struct ModelEnsembleStepList { ModelEnsembleStep *items; size_t count; } ModelEnsembleStepList;

typedef struct ModelEnsembling {
  ModelEnsembleStepList step;
} ModelEnsembling;

/* ModelParameter and the parameters map */
typedef struct ModelParameter { char *string_value; } ModelParameter;
typedef struct ModelParameterMapEntry { char *key; ModelParameter value; } ModelParameterMapEntry;
typedef struct ModelParameterMap { ModelParameterMapEntry *items; size_t count; } ModelParameterMap;

/* ModelWarmup */
typedef struct ModelWarmupInput {
  ModelDataType data_type;
  ModelInt64List dims;
  /* oneof input_data_type */
  bool has_zero_data;
  bool zero_data;
  bool has_random_data;
  bool random_data;
  bool has_input_data_file;
  char *input_data_file;
} ModelWarmupInput;
typedef struct ModelWarmupInputMapEntry { char *key; ModelWarmupInput value; } ModelWarmupInputMapEntry;
typedef struct ModelWarmupInputMap { ModelWarmupInputMapEntry *items; size_t count; } ModelWarmupInputMap;

typedef struct ModelWarmup {
  char *name;
  uint32_t batch_size;
  ModelWarmupInputMap inputs;
  uint32_t count;
} ModelWarmup;
typedef struct ModelWarmupList { ModelWarmup *items; size_t count; } ModelWarmupList;

/* Small top-level messages */
typedef struct ModelOperations { ModelStringList op_library_filename; } ModelOperations;
typedef struct ModelTransactionPolicy { bool decoupled; } ModelTransactionPolicy;

typedef struct ModelRepositoryAgent {
  char *name;
  ModelStringMap parameters;
} ModelRepositoryAgent;
typedef struct ModelRepositoryAgentList { ModelRepositoryAgent *items; size_t count; } ModelRepositoryAgentList;
typedef struct ModelRepositoryAgents { ModelRepositoryAgentList agents; } ModelRepositoryAgents;

typedef struct ModelResponseCache { bool enable; } ModelResponseCache;

typedef struct ModelMetricIdentifier { char *family; } ModelMetricIdentifier;
typedef struct ModelHistogramOptions { ModelDoubleList buckets; } ModelHistogramOptions;
typedef struct ModelMetricControl {
  bool has_metric_identifier;
  ModelMetricIdentifier metric_identifier;
  /* oneof metric_options */
  bool has_histogram_options;
  ModelHistogramOptions histogram_options;
} ModelMetricControl;
typedef struct ModelMetricControlList { ModelMetricControl *items; size_t count; } ModelMetricControlList;
typedef struct ModelMetrics { ModelMetricControlList metric_control; } ModelMetrics;

/* ModelConfig: the root message. */
typedef struct ModelConfig {
  char *name;
  char *platform;
  char *backend;
  char *runtime;
  bool has_version_policy;
  ModelVersionPolicy version_policy;
  int32_t max_batch_size;
  ModelInputList input;
  ModelOutputList output;
  ModelBatchInputList batch_input;
  ModelBatchOutputList batch_output;
  bool has_optimization;
  ModelOptimizationPolicy optimization;
  /* oneof scheduling_choice */
  bool has_dynamic_batching;
  ModelDynamicBatching dynamic_batching;
  bool has_sequence_batching;
  ModelSequenceBatching sequence_batching;
  bool has_ensemble_scheduling;
  ModelEnsembling ensemble_scheduling;
  ModelInstanceGroupList instance_group;
  char *default_model_filename;
  ModelStringMap cc_model_filenames;
  ModelStringMap metric_tags;
  ModelParameterMap parameters;
  ModelWarmupList model_warmup;
  bool has_model_operations;
  ModelOperations model_operations;
  bool has_model_transaction_policy;
  ModelTransactionPolicy model_transaction_policy;
  bool has_model_repository_agents;
  ModelRepositoryAgents model_repository_agents;
  bool has_response_cache;
  ModelResponseCache response_cache;
  bool has_model_metrics;
  ModelMetrics model_metrics;
} ModelConfig;

/* ---------------------------------------------------------------------------------------
 * Lifecycle
 * ------------------------------------------------------------------------------------- */

/* A new empty config (all strings "", no lists, no has-bits). Caller owns it. */
ModelConfig *model_config_new(void);

/* Frees a config and everything it owns. NULL is a no-op. */
void model_config_free(ModelConfig *config);

/* Deep copy. Caller owns the result (never NULL). */
ModelConfig *model_config_clone(const ModelConfig *config);

/* True if both configs hold the same values (field by field, has-bits included;
 * NaN floats compare equal to NaN). */
bool model_config_equal(const ModelConfig *a, const ModelConfig *b);

/* ---------------------------------------------------------------------------------------
 * Text format (config.pbtxt) and JSON
 * ------------------------------------------------------------------------------------- */

/* Parses `len` bytes of protobuf text format (need not be NUL-terminated). `file_name`
 * is used only to prefix error messages (NULL → "config.pbtxt").
 * Returns 0 and *out (caller frees with model_config_free) on success; otherwise -1,
 * *out = NULL and *error (caller frees) like
 *   "config.pbtxt:12:5: expected ':' after field 'max_batch_size', got '4'". */
int model_config_parse(const char *text, size_t len, const char *file_name, ModelConfig **out,
                       char **error);

/* Parses the JSON form (§3.4; what model_config_to_json prints, as a backend hands it to
 * TRITONBACKEND_ModelSetConfig or a client sends as a load "config" override). Accepts
 * proto field names and lowerCamelCase names, enums as names or integers, 64-bit integers
 * as numbers or strings. Unknown fields are an error. Ownership as model_config_parse. */
int model_config_from_json(const char *json, size_t len, ModelConfig **out, char **error);

/* Renders the JSON form of §3.4: protobuf declaration order, snake_case names, every
 * scalar/repeated/map field printed, unset messages omitted, 64-bit integers as numbers,
 * enums as names. A config with nothing set renders as "". Caller frees the result. */
char *model_config_to_json(const ModelConfig *config);

/* ---------------------------------------------------------------------------------------
 * Auto-complete, normalization, validation (§1.4 steps 1 and 4, §2.2, §3.2)
 * ------------------------------------------------------------------------------------- */

/* One entry of a version directory, for backend auto-detection (§2.2). */
typedef struct ModelDirEntry {
  const char *name;
  bool is_dir;
} ModelDirEntry;

typedef struct ModelNormalizeOptions {
  /* The model's directory name. Fills an empty config name. Required. */
  const char *model_name;
  /* Entries of the model's lowest-numbered version directory (may be NULL/0). */
  const ModelDirEntry *version_entries;
  size_t version_entry_count;
  /* GPUs the server sees: ids 0 .. gpu_count-1. 0 on a CPU-only host. */
  int gpu_count;
  /* Bit g set: GPU g is below --min-supported-compute-capability, so it gets no instance
   * (Triton's "supported GPUs"). 0: every GPU is supported. */
  uint64_t unsupported_gpus;
  /* The backend's preferred instance groups (TRITONBACKEND_BackendAttribute); may be
   * NULL/0. Borrowed. */
  const ModelInstanceGroup *preferred_groups;
  size_t preferred_group_count;
  /* When false, skip the instance_group step (the core resolves groups only once the
   * backend's preferred groups are known: call again with true). */
  bool resolve_instance_groups;
} ModelNormalizeOptions;

/* Triton's AutoCompleteBackendFields (§2.2): fills backend, platform and
 * default_model_filename from platform, file names in the lowest version directory, or
 * the `x.<backend>` model-name trick. Idempotent. */
void model_config_autocomplete_backend(ModelConfig *config, const ModelNormalizeOptions *opts);

/* Full normalization in place (§3.2): empty name ← model_name; backend fields
 * (model_config_autocomplete_backend); version_policy default latest{1}; preferred batch
 * size default [max_batch_size]; sequence idle default 1000000 µs; pinned-memory defaults
 * true (non-ensemble); and, if opts->resolve_instance_groups, instance groups (a group
 * when none, names `<model>_<idx>`, KIND_AUTO resolved, count defaults, GPU lists).
 * Idempotent; never fails (inconsistencies are left for model_config_validate). */
void model_config_normalize(ModelConfig *config, const ModelNormalizeOptions *opts);

/* Validates a fully normalized config (instance groups resolved) against Triton's rules,
 * with Triton's messages where the spec gives them (e.g. "'max_batch_size' must be
 * non-negative value for m"), plus: no file name in the config may escape its directory.
 * `model_name` is the directory name (NULL skips the name check); gpu_count as in
 * ModelNormalizeOptions. Returns 0, or -1 with *error (caller frees). */
int model_config_validate(const ModelConfig *config, const char *model_name, int gpu_count,
                          char **error);

/* The GPU ids of KIND_GPU groups against the supported set (bit g of unsupported_gpus:
 * GPU g is below `min_capability`), with Triton's message naming the supported GPUs.
 * Call after model_config_validate. Returns 0, or -1 with *error (caller frees). */
int model_config_validate_supported_gpus(const ModelConfig *config, const char *model_name,
                                         int gpu_count, uint64_t unsupported_gpus,
                                         double min_capability, char **error);

/* ---------------------------------------------------------------------------------------
 * Lookups and data-type helpers
 * ------------------------------------------------------------------------------------- */

/* Borrowed pointers into `config`, or NULL if absent. */
const ModelInput *model_config_find_input(const ModelConfig *config, const char *name);
const ModelOutput *model_config_find_output(const ModelConfig *config, const char *name);
/* parameters[key].string_value, or NULL if the key is absent. Borrowed. */
const char *model_config_parameter(const ModelConfig *config, const char *key);

/* Product of dims; -1 if any dim is negative (variable); 1 for no dims. Saturates at
 * INT64_MAX on overflow. */
int64_t model_dims_element_count(const int64_t *dims, size_t count);

/* "TYPE_FP32" for MODEL_TYPE_FP32; NULL for values outside the enum. Static string. */
const char *model_data_type_name(ModelDataType type);
/* Inverse of model_data_type_name; MODEL_TYPE_INVALID for an unknown name. */
ModelDataType model_data_type_from_name(const char *name);
/* Protocol name: "FP32", "BYTES" (for TYPE_STRING), "BF16"; "<invalid>" otherwise. */
const char *model_data_type_protocol_name(ModelDataType type);
/* Inverse of model_data_type_protocol_name; MODEL_TYPE_INVALID for an unknown name. */
ModelDataType model_data_type_from_protocol_name(const char *name);
/* Element byte size: 1/2/4/8; 0 for STRING and INVALID. */
size_t model_data_type_byte_size(ModelDataType type);
/* "KIND_CPU" etc.; NULL for values outside the enum. Static string. */
const char *model_instance_kind_name(ModelInstanceKind kind);

#ifdef __cplusplus
}
#endif

#endif /* TORCHD_MODEL_CONFIG_H */
