/*
 * config_schema.c — the schema tables for model_config.proto (see config_schema.h).
 *
 * Messages are listed leaves first so every table only references tables above it. Field
 * lists follow the .proto declaration order, which is the JSON output order.
 */
#include "config_schema.h"

#include <assert.h>
#include <string.h>

#include "model_config.h"

static_assert(sizeof(ModelDataType) == sizeof(int32_t), "enums are stored as int32");
static_assert(sizeof(ModelInstanceKind) == sizeof(int32_t), "enums are stored as int32");

/* ---- field constructors ---------------------------------------------------------- */

#define SCALAR(T, f, k) {#f, k, FL_SINGULAR, offsetof(T, f), HAS_NONE, NULL, NULL, NULL}
#define STR(T, f) SCALAR(T, f, FK_STRING)
#define BOOL(T, f) SCALAR(T, f, FK_BOOL)
#define I32(T, f) SCALAR(T, f, FK_INT32)
#define I64(T, f) SCALAR(T, f, FK_INT64)
#define U32(T, f) SCALAR(T, f, FK_UINT32)
#define U64(T, f) SCALAR(T, f, FK_UINT64)
#define F32(T, f) SCALAR(T, f, FK_FLOAT)
#define ENUM(T, f, e) {#f, FK_ENUM, FL_SINGULAR, offsetof(T, f), HAS_NONE, NULL, NULL, &e}
#define MSG(T, f, d) {#f, FK_MESSAGE, FL_SINGULAR, offsetof(T, f), offsetof(T, has_##f), NULL, &d, NULL}
#define REP(T, f, k) {#f, k, FL_REPEATED, offsetof(T, f), HAS_NONE, NULL, NULL, NULL}
#define REPMSG(T, f, d) {#f, FK_MESSAGE, FL_REPEATED, offsetof(T, f), HAS_NONE, NULL, &d, NULL}
#define MAP(T, f, d) {#f, FK_MESSAGE, FL_MAP, offsetof(T, f), HAS_NONE, NULL, &d, NULL}
#define ONEOF_SCALAR(T, f, k, o) {#f, k, FL_SINGULAR, offsetof(T, f), offsetof(T, has_##f), o, NULL, NULL}
#define ONEOF_MSG(T, f, d, o) {#f, FK_MESSAGE, FL_SINGULAR, offsetof(T, f), offsetof(T, has_##f), o, &d, NULL}
/* Map entry value of message type: always present, no has-bit. */
#define VALUE_MSG(T, d) {"value", FK_MESSAGE, FL_SINGULAR, offsetof(T, value), HAS_NONE, NULL, &d, NULL}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MESSAGE(var, T, proto_name, ...)                                             \
  static const FieldDesc var##_fields[] = {__VA_ARGS__};                             \
  static const MessageDesc var = {proto_name, sizeof(T), var##_fields,               \
                                  COUNT(var##_fields), false}
#define MAP_ENTRY(var, T, proto_name, ...)                                           \
  static const FieldDesc var##_fields[] = {__VA_ARGS__};                             \
  static const MessageDesc var = {proto_name, sizeof(T), var##_fields,               \
                                  COUNT(var##_fields), true}
#define ENUM_DESC(var, proto_name, ...)                                              \
  static const EnumValueDesc var##_values[] = {__VA_ARGS__};                         \
  static const EnumDesc var = {proto_name, var##_values, COUNT(var##_values)}

/* ---- enums ------------------------------------------------------------------------- */

static const EnumValueDesc data_type_values[] = {
    {"TYPE_INVALID", 0}, {"TYPE_BOOL", 1},   {"TYPE_UINT8", 2},  {"TYPE_UINT16", 3},
    {"TYPE_UINT32", 4},  {"TYPE_UINT64", 5}, {"TYPE_INT8", 6},   {"TYPE_INT16", 7},
    {"TYPE_INT32", 8},   {"TYPE_INT64", 9},  {"TYPE_FP16", 10},  {"TYPE_FP32", 11},
    {"TYPE_FP64", 12},   {"TYPE_STRING", 13}, {"TYPE_BF16", 14}};
const EnumDesc data_type_enum_desc = {"inference.DataType", data_type_values,
                                      COUNT(data_type_values)};

static const EnumValueDesc instance_kind_values[] = {
    {"KIND_AUTO", 0}, {"KIND_GPU", 1}, {"KIND_CPU", 2}, {"KIND_MODEL", 3}};
const EnumDesc instance_kind_enum_desc = {"inference.ModelInstanceGroup.Kind",
                                          instance_kind_values, COUNT(instance_kind_values)};

ENUM_DESC(format_enum, "inference.ModelInput.Format", {"FORMAT_NONE", 0}, {"FORMAT_NHWC", 1},
          {"FORMAT_NCHW", 2});
ENUM_DESC(secondary_kind_enum, "inference.ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind",
          {"KIND_NVDLA", 0});
ENUM_DESC(batch_input_kind_enum, "inference.BatchInput.Kind", {"BATCH_ELEMENT_COUNT", 0},
          {"BATCH_ACCUMULATED_ELEMENT_COUNT", 1}, {"BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO", 2},
          {"BATCH_MAX_ELEMENT_COUNT_AS_SHAPE", 3}, {"BATCH_ITEM_SHAPE", 4},
          {"BATCH_ITEM_SHAPE_FLATTEN", 5});
ENUM_DESC(batch_output_kind_enum, "inference.BatchOutput.Kind",
          {"BATCH_SCATTER_WITH_INPUT_SHAPE", 0});
ENUM_DESC(priority_enum, "inference.ModelOptimizationPolicy.ModelPriority",
          {"PRIORITY_DEFAULT", 0}, {"PRIORITY_MAX", 1}, {"PRIORITY_MIN", 2});
ENUM_DESC(timeout_action_enum, "inference.ModelQueuePolicy.TimeoutAction", {"REJECT", 0},
          {"DELAY", 1});
ENUM_DESC(control_kind_enum, "inference.ModelSequenceBatching.Control.Kind",
          {"CONTROL_SEQUENCE_START", 0}, {"CONTROL_SEQUENCE_READY", 1},
          {"CONTROL_SEQUENCE_END", 2}, {"CONTROL_SEQUENCE_CORRID", 3});

/* ---- shared small messages ----------------------------------------------------------- */

MAP_ENTRY(string_map_entry, ModelStringMapEntry, "inference.StringMapEntry",
          STR(ModelStringMapEntry, key), STR(ModelStringMapEntry, value));

/* ---- ModelInstanceGroup ------------------------------------------------------------ */

MESSAGE(rate_limiter_resource, ModelRateLimiterResource, "inference.ModelRateLimiter.Resource",
        STR(ModelRateLimiterResource, name), BOOL(ModelRateLimiterResource, global),
        U32(ModelRateLimiterResource, count));
MESSAGE(rate_limiter, ModelRateLimiter, "inference.ModelRateLimiter",
        REPMSG(ModelRateLimiter, resources, rate_limiter_resource),
        U32(ModelRateLimiter, priority));
MESSAGE(secondary_device, ModelSecondaryDevice, "inference.ModelInstanceGroup.SecondaryDevice",
        ENUM(ModelSecondaryDevice, kind, secondary_kind_enum),
        I64(ModelSecondaryDevice, device_id));
MESSAGE(instance_group, ModelInstanceGroup, "inference.ModelInstanceGroup",
        STR(ModelInstanceGroup, name), ENUM(ModelInstanceGroup, kind, instance_kind_enum_desc),
        I32(ModelInstanceGroup, count), MSG(ModelInstanceGroup, rate_limiter, rate_limiter),
        REP(ModelInstanceGroup, gpus, FK_INT32),
        REPMSG(ModelInstanceGroup, secondary_devices, secondary_device),
        REP(ModelInstanceGroup, profile, FK_STRING), BOOL(ModelInstanceGroup, passive),
        STR(ModelInstanceGroup, host_policy));

const MessageDesc *schema_instance_group_desc(void) { return &instance_group; }

/* ---- inputs and outputs -------------------------------------------------------------- */

MESSAGE(tensor_reshape, ModelTensorReshape, "inference.ModelTensorReshape",
        REP(ModelTensorReshape, shape, FK_INT64));
MESSAGE(model_input, ModelInput, "inference.ModelInput", STR(ModelInput, name),
        ENUM(ModelInput, data_type, data_type_enum_desc), ENUM(ModelInput, format, format_enum),
        REP(ModelInput, dims, FK_INT64), MSG(ModelInput, reshape, tensor_reshape),
        BOOL(ModelInput, is_shape_tensor), BOOL(ModelInput, allow_ragged_batch),
        BOOL(ModelInput, optional), BOOL(ModelInput, is_non_linear_format_io));
MESSAGE(model_output, ModelOutput, "inference.ModelOutput", STR(ModelOutput, name),
        ENUM(ModelOutput, data_type, data_type_enum_desc), REP(ModelOutput, dims, FK_INT64),
        MSG(ModelOutput, reshape, tensor_reshape), STR(ModelOutput, label_filename),
        BOOL(ModelOutput, is_shape_tensor), BOOL(ModelOutput, is_non_linear_format_io));
MESSAGE(batch_input, ModelBatchInput, "inference.BatchInput",
        ENUM(ModelBatchInput, kind, batch_input_kind_enum),
        REP(ModelBatchInput, target_name, FK_STRING),
        ENUM(ModelBatchInput, data_type, data_type_enum_desc),
        REP(ModelBatchInput, source_input, FK_STRING));
MESSAGE(batch_output, ModelBatchOutput, "inference.BatchOutput",
        REP(ModelBatchOutput, target_name, FK_STRING),
        ENUM(ModelBatchOutput, kind, batch_output_kind_enum),
        REP(ModelBatchOutput, source_input, FK_STRING));

/* ---- version policy ---------------------------------------------------------------- */

MESSAGE(policy_latest, ModelVersionPolicyLatest, "inference.ModelVersionPolicy.Latest",
        U32(ModelVersionPolicyLatest, num_versions));
static const MessageDesc policy_all = {"inference.ModelVersionPolicy.All",
                                       sizeof(ModelVersionPolicyAll), NULL, 0, false};
MESSAGE(policy_specific, ModelVersionPolicySpecific, "inference.ModelVersionPolicy.Specific",
        REP(ModelVersionPolicySpecific, versions, FK_INT64));
MESSAGE(version_policy, ModelVersionPolicy, "inference.ModelVersionPolicy",
        ONEOF_MSG(ModelVersionPolicy, latest, policy_latest, "policy_choice"),
        ONEOF_MSG(ModelVersionPolicy, all, policy_all, "policy_choice"),
        ONEOF_MSG(ModelVersionPolicy, specific, policy_specific, "policy_choice"));

/* ---- optimization ------------------------------------------------------------------ */

MESSAGE(optimization_graph, ModelOptimizationGraph, "inference.ModelOptimizationPolicy.Graph",
        I32(ModelOptimizationGraph, level));
MESSAGE(graph_shape, ModelCudaGraphShape,
        "inference.ModelOptimizationPolicy.Cuda.GraphSpec.Shape",
        REP(ModelCudaGraphShape, dim, FK_INT64));
MAP_ENTRY(graph_shape_entry, ModelCudaGraphShapeMapEntry,
          "inference.ModelOptimizationPolicy.Cuda.GraphSpec.InputEntry",
          STR(ModelCudaGraphShapeMapEntry, key), VALUE_MSG(ModelCudaGraphShapeMapEntry, graph_shape));
MESSAGE(graph_lower_bound, ModelCudaGraphLowerBound,
        "inference.ModelOptimizationPolicy.Cuda.GraphSpec.LowerBound",
        I32(ModelCudaGraphLowerBound, batch_size),
        MAP(ModelCudaGraphLowerBound, input, graph_shape_entry));
MESSAGE(graph_spec, ModelCudaGraphSpec, "inference.ModelOptimizationPolicy.Cuda.GraphSpec",
        I32(ModelCudaGraphSpec, batch_size), MAP(ModelCudaGraphSpec, input, graph_shape_entry),
        MSG(ModelCudaGraphSpec, graph_lower_bound, graph_lower_bound));
MESSAGE(optimization_cuda, ModelOptimizationCuda, "inference.ModelOptimizationPolicy.Cuda",
        BOOL(ModelOptimizationCuda, graphs), BOOL(ModelOptimizationCuda, busy_wait_events),
        REPMSG(ModelOptimizationCuda, graph_spec, graph_spec),
        BOOL(ModelOptimizationCuda, output_copy_stream));
MESSAGE(accelerator, ModelAccelerator,
        "inference.ModelOptimizationPolicy.ExecutionAccelerators.Accelerator",
        STR(ModelAccelerator, name), MAP(ModelAccelerator, parameters, string_map_entry));
MESSAGE(execution_accelerators, ModelExecutionAccelerators,
        "inference.ModelOptimizationPolicy.ExecutionAccelerators",
        REPMSG(ModelExecutionAccelerators, gpu_execution_accelerator, accelerator),
        REPMSG(ModelExecutionAccelerators, cpu_execution_accelerator, accelerator));
MESSAGE(pinned_memory, ModelPinnedMemoryBuffer,
        "inference.ModelOptimizationPolicy.PinnedMemoryBuffer",
        BOOL(ModelPinnedMemoryBuffer, enable));
MESSAGE(optimization, ModelOptimizationPolicy, "inference.ModelOptimizationPolicy",
        MSG(ModelOptimizationPolicy, graph, optimization_graph),
        ENUM(ModelOptimizationPolicy, priority, priority_enum),
        MSG(ModelOptimizationPolicy, cuda, optimization_cuda),
        MSG(ModelOptimizationPolicy, execution_accelerators, execution_accelerators),
        MSG(ModelOptimizationPolicy, input_pinned_memory, pinned_memory),
        MSG(ModelOptimizationPolicy, output_pinned_memory, pinned_memory),
        U32(ModelOptimizationPolicy, gather_kernel_buffer_threshold),
        BOOL(ModelOptimizationPolicy, eager_batching));

/* ---- dynamic batching ---------------------------------------------------------------- */

MESSAGE(queue_policy, ModelQueuePolicy, "inference.ModelQueuePolicy",
        ENUM(ModelQueuePolicy, timeout_action, timeout_action_enum),
        U64(ModelQueuePolicy, default_timeout_microseconds),
        BOOL(ModelQueuePolicy, allow_timeout_override), U32(ModelQueuePolicy, max_queue_size));
MAP_ENTRY(queue_policy_entry, ModelQueuePolicyMapEntry,
          "inference.ModelDynamicBatching.PriorityQueuePolicyEntry",
          U64(ModelQueuePolicyMapEntry, key), VALUE_MSG(ModelQueuePolicyMapEntry, queue_policy));
MESSAGE(dynamic_batching, ModelDynamicBatching, "inference.ModelDynamicBatching",
        REP(ModelDynamicBatching, preferred_batch_size, FK_INT32),
        U64(ModelDynamicBatching, max_queue_delay_microseconds),
        BOOL(ModelDynamicBatching, preserve_ordering),
        U64(ModelDynamicBatching, priority_levels),
        U64(ModelDynamicBatching, default_priority_level),
        MSG(ModelDynamicBatching, default_queue_policy, queue_policy),
        MAP(ModelDynamicBatching, priority_queue_policy, queue_policy_entry));

/* ---- sequence batching --------------------------------------------------------------- */

MESSAGE(sequence_control, ModelSequenceControl, "inference.ModelSequenceBatching.Control",
        ENUM(ModelSequenceControl, kind, control_kind_enum),
        REP(ModelSequenceControl, int32_false_true, FK_INT32),
        REP(ModelSequenceControl, fp32_false_true, FK_FLOAT),
        REP(ModelSequenceControl, bool_false_true, FK_BOOL),
        ENUM(ModelSequenceControl, data_type, data_type_enum_desc));
MESSAGE(sequence_control_input, ModelSequenceControlInput,
        "inference.ModelSequenceBatching.ControlInput", STR(ModelSequenceControlInput, name),
        REPMSG(ModelSequenceControlInput, control, sequence_control));
MESSAGE(sequence_initial_state, ModelSequenceInitialState,
        "inference.ModelSequenceBatching.InitialState",
        ENUM(ModelSequenceInitialState, data_type, data_type_enum_desc),
        REP(ModelSequenceInitialState, dims, FK_INT64),
        ONEOF_SCALAR(ModelSequenceInitialState, zero_data, FK_BOOL, "state_data"),
        ONEOF_SCALAR(ModelSequenceInitialState, data_file, FK_STRING, "state_data"),
        STR(ModelSequenceInitialState, name));
MESSAGE(sequence_state, ModelSequenceState, "inference.ModelSequenceBatching.State",
        STR(ModelSequenceState, input_name), STR(ModelSequenceState, output_name),
        ENUM(ModelSequenceState, data_type, data_type_enum_desc),
        REP(ModelSequenceState, dims, FK_INT64),
        REPMSG(ModelSequenceState, initial_state, sequence_initial_state),
        BOOL(ModelSequenceState, use_same_buffer_for_input_output),
        BOOL(ModelSequenceState, use_growable_memory));
MESSAGE(strategy_direct, ModelSequenceStrategyDirect,
        "inference.ModelSequenceBatching.StrategyDirect",
        U64(ModelSequenceStrategyDirect, max_queue_delay_microseconds),
        F32(ModelSequenceStrategyDirect, minimum_slot_utilization));
MESSAGE(strategy_oldest, ModelSequenceStrategyOldest,
        "inference.ModelSequenceBatching.StrategyOldest",
        I32(ModelSequenceStrategyOldest, max_candidate_sequences),
        REP(ModelSequenceStrategyOldest, preferred_batch_size, FK_INT32),
        U64(ModelSequenceStrategyOldest, max_queue_delay_microseconds),
        BOOL(ModelSequenceStrategyOldest, preserve_ordering));
MESSAGE(sequence_batching, ModelSequenceBatching, "inference.ModelSequenceBatching",
        ONEOF_MSG(ModelSequenceBatching, direct, strategy_direct, "strategy_choice"),
        ONEOF_MSG(ModelSequenceBatching, oldest, strategy_oldest, "strategy_choice"),
        U64(ModelSequenceBatching, max_sequence_idle_microseconds),
        REPMSG(ModelSequenceBatching, control_input, sequence_control_input),
        REPMSG(ModelSequenceBatching, state, sequence_state),
        BOOL(ModelSequenceBatching, iterative_sequence));

/* ---- ensembles ------------------------------------------------------------------------ */

MESSAGE(ensemble_step, ModelEnsembleStep, "inference.ModelEnsembling.Step",
        STR(ModelEnsembleStep, model_name), I64(ModelEnsembleStep, model_version),
        MAP(ModelEnsembleStep, input_map, string_map_entry),
        MAP(ModelEnsembleStep, output_map, string_map_entry),
        STR(ModelEnsembleStep, model_namespace));
MESSAGE(ensembling, ModelEnsembling, "inference.ModelEnsembling",
        REPMSG(ModelEnsembling, step, ensemble_step));

/* ---- parameters, warmup and the small top-level messages ------------------------------ */

MESSAGE(model_parameter, ModelParameter, "inference.ModelParameter",
        STR(ModelParameter, string_value));
MAP_ENTRY(parameter_entry, ModelParameterMapEntry, "inference.ModelConfig.ParametersEntry",
          STR(ModelParameterMapEntry, key), VALUE_MSG(ModelParameterMapEntry, model_parameter));
MESSAGE(warmup_input, ModelWarmupInput, "inference.ModelWarmup.Input",
        ENUM(ModelWarmupInput, data_type, data_type_enum_desc),
        REP(ModelWarmupInput, dims, FK_INT64),
        ONEOF_SCALAR(ModelWarmupInput, zero_data, FK_BOOL, "input_data_type"),
        ONEOF_SCALAR(ModelWarmupInput, random_data, FK_BOOL, "input_data_type"),
        ONEOF_SCALAR(ModelWarmupInput, input_data_file, FK_STRING, "input_data_type"));
MAP_ENTRY(warmup_input_entry, ModelWarmupInputMapEntry, "inference.ModelWarmup.InputsEntry",
          STR(ModelWarmupInputMapEntry, key), VALUE_MSG(ModelWarmupInputMapEntry, warmup_input));
MESSAGE(model_warmup, ModelWarmup, "inference.ModelWarmup", STR(ModelWarmup, name),
        U32(ModelWarmup, batch_size), MAP(ModelWarmup, inputs, warmup_input_entry),
        U32(ModelWarmup, count));
MESSAGE(model_operations, ModelOperations, "inference.ModelOperations",
        REP(ModelOperations, op_library_filename, FK_STRING));
MESSAGE(transaction_policy, ModelTransactionPolicy, "inference.ModelTransactionPolicy",
        BOOL(ModelTransactionPolicy, decoupled));
MESSAGE(repository_agent, ModelRepositoryAgent, "inference.ModelRepositoryAgents.Agent",
        STR(ModelRepositoryAgent, name), MAP(ModelRepositoryAgent, parameters, string_map_entry));
MESSAGE(repository_agents, ModelRepositoryAgents, "inference.ModelRepositoryAgents",
        REPMSG(ModelRepositoryAgents, agents, repository_agent));
MESSAGE(response_cache, ModelResponseCache, "inference.ModelResponseCache",
        BOOL(ModelResponseCache, enable));
MESSAGE(metric_identifier, ModelMetricIdentifier,
        "inference.ModelMetrics.MetricControl.MetricIdentifier",
        STR(ModelMetricIdentifier, family));
MESSAGE(histogram_options, ModelHistogramOptions,
        "inference.ModelMetrics.MetricControl.HistogramOptions",
        REP(ModelHistogramOptions, buckets, FK_DOUBLE));
MESSAGE(metric_control, ModelMetricControl, "inference.ModelMetrics.MetricControl",
        MSG(ModelMetricControl, metric_identifier, metric_identifier),
        ONEOF_MSG(ModelMetricControl, histogram_options, histogram_options, "metric_options"));
MESSAGE(model_metrics, ModelMetrics, "inference.ModelMetrics",
        REPMSG(ModelMetrics, metric_control, metric_control));

/* ---- ModelConfig --------------------------------------------------------------------- */

static const FieldDesc model_config_fields[] = {
    STR(ModelConfig, name),
    STR(ModelConfig, platform),
    STR(ModelConfig, backend),
    STR(ModelConfig, runtime),
    MSG(ModelConfig, version_policy, version_policy),
    I32(ModelConfig, max_batch_size),
    REPMSG(ModelConfig, input, model_input),
    REPMSG(ModelConfig, output, model_output),
    REPMSG(ModelConfig, batch_input, batch_input),
    REPMSG(ModelConfig, batch_output, batch_output),
    MSG(ModelConfig, optimization, optimization),
    ONEOF_MSG(ModelConfig, dynamic_batching, dynamic_batching, "scheduling_choice"),
    ONEOF_MSG(ModelConfig, sequence_batching, sequence_batching, "scheduling_choice"),
    ONEOF_MSG(ModelConfig, ensemble_scheduling, ensembling, "scheduling_choice"),
    REPMSG(ModelConfig, instance_group, instance_group),
    STR(ModelConfig, default_model_filename),
    MAP(ModelConfig, cc_model_filenames, string_map_entry),
    MAP(ModelConfig, metric_tags, string_map_entry),
    MAP(ModelConfig, parameters, parameter_entry),
    REPMSG(ModelConfig, model_warmup, model_warmup),
    MSG(ModelConfig, model_operations, model_operations),
    MSG(ModelConfig, model_transaction_policy, transaction_policy),
    MSG(ModelConfig, model_repository_agents, repository_agents),
    MSG(ModelConfig, response_cache, response_cache),
    MSG(ModelConfig, model_metrics, model_metrics),
};
const MessageDesc model_config_desc = {"inference.ModelConfig", sizeof(ModelConfig),
                                       model_config_fields, COUNT(model_config_fields), false};

/* ---- lookups ---------------------------------------------------------------------- */

const FieldDesc *schema_find_field(const MessageDesc *desc, const char *name, size_t len) {
  for (size_t i = 0; i < desc->field_count; i++) {
    const char *field_name = desc->fields[i].name;
    if (strlen(field_name) == len && memcmp(field_name, name, len) == 0) {
      return &desc->fields[i];
    }
  }
  return NULL;
}

/* True if `name` is the lowerCamelCase form of the snake_case `proto_name`. */
static bool camel_matches(const char *proto_name, const char *name) {
  const char *p = proto_name;
  const char *n = name;
  while (*p != '\0') {
    if (*p == '_' && p[1] != '\0') {
      char upper = (p[1] >= 'a' && p[1] <= 'z') ? (char)(p[1] - 'a' + 'A') : p[1];
      if (*n != upper) {
        return false;
      }
      p += 2;
      n++;
      continue;
    }
    if (*n != *p) {
      return false;
    }
    p++;
    n++;
  }
  return *n == '\0';
}

const FieldDesc *schema_find_json_field(const MessageDesc *desc, const char *name) {
  const FieldDesc *field = schema_find_field(desc, name, strlen(name));
  if (field != NULL) {
    return field;
  }
  for (size_t i = 0; i < desc->field_count; i++) {
    if (camel_matches(desc->fields[i].name, name)) {
      return &desc->fields[i];
    }
  }
  return NULL;
}

const char *schema_enum_name(const EnumDesc *desc, int32_t value) {
  for (size_t i = 0; i < desc->value_count; i++) {
    if (desc->values[i].number == value) {
      return desc->values[i].name;
    }
  }
  return NULL;
}

bool schema_enum_value(const EnumDesc *desc, const char *name, size_t len, int32_t *value) {
  for (size_t i = 0; i < desc->value_count; i++) {
    const char *enum_name = desc->values[i].name;
    if (strlen(enum_name) == len && memcmp(enum_name, name, len) == 0) {
      *value = desc->values[i].number;
      return true;
    }
  }
  return false;
}

size_t schema_element_size(const FieldDesc *field) {
  switch (field->kind) {
    case FK_STRING:
      return sizeof(char *);
    case FK_BOOL:
      return sizeof(bool);
    case FK_INT32:
    case FK_UINT32:
    case FK_ENUM:
      return sizeof(int32_t);
    case FK_INT64:
    case FK_UINT64:
      return sizeof(int64_t);
    case FK_FLOAT:
      return sizeof(float);
    case FK_DOUBLE:
      return sizeof(double);
    case FK_MESSAGE:
      return field->message->size;
  }
  return 0;
}
