/* identity_model.c — parses the identity backend's model parameters (see
 * identity_model.h) from the JSON model configuration the host hands over. */
#include "identity_model.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static TRITONSERVER_Error *bad_parameter(const char *model, const char *key, const char *expected,
                                         const char *got)
{
  char message[512];
  snprintf(message, sizeof(message),
           "identity backend: model '%s': parameter '%s' expected %s, got '%s'", model, key,
           expected, got);
  return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, message);
}

/* Returns parameters.<key>.string_value from the config, or NULL when absent. */
static const char *parameter(json_object *config, const char *key)
{
  json_object *parameters, *entry, *value;
  if (!json_object_object_get_ex(config, "parameters", &parameters) ||
      !json_object_object_get_ex(parameters, key, &entry) ||
      !json_object_object_get_ex(entry, "string_value", &value))
    return NULL;
  return json_object_get_string(value);
}

static TRITONSERVER_Error *parse_bool(const char *model, const char *key, const char *text,
                                      bool *out)
{
  if (text == NULL || strcmp(text, "false") == 0)
    *out = false;
  else if (strcmp(text, "true") == 0)
    *out = true;
  else
    return bad_parameter(model, key, "\"true\" or \"false\"", text);
  return NULL;
}

/* Reads the non-negative integer parameter 'key' into *out when it is set. */
static TRITONSERVER_Error *parse_count(const char *model, json_object *config, const char *key,
                                       uint64_t *out)
{
  const char *text = parameter(config, key);
  if (text == NULL)
    return NULL;
  char *end = NULL;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0)
    return bad_parameter(model, key, "a non-negative integer", text);
  *out = value;
  return NULL;
}

/* Fills 'settings' from the parsed configuration. */
static TRITONSERVER_Error *read_settings(json_object *config, identity_model *settings)
{
  json_object *max_batch;
  if (json_object_object_get_ex(config, "max_batch_size", &max_batch))
    settings->max_batch_size = json_object_get_int64(max_batch);

  const char *mode = parameter(config, "mode");
  if (mode == NULL || strcmp(mode, "identity") == 0)
    settings->mode = IDENTITY_MODE_COPY;
  else if (strcmp(mode, "add_sub") == 0)
    settings->mode = IDENTITY_MODE_ADD_SUB;
  else if (strcmp(mode, "accumulate") == 0)
    settings->mode = IDENTITY_MODE_ACCUMULATE;
  else
    return bad_parameter(settings->name, "mode", "\"identity\", \"add_sub\" or \"accumulate\"",
                         mode);

  TRITONSERVER_Error *error =
      parse_count(settings->name, config, "execute_delay_ms", &settings->execute_delay_ms);
  settings->decoupled_repeat = 1;
  if (error == NULL)
    error = parse_count(settings->name, config, "decoupled_repeat", &settings->decoupled_repeat);
  if (error == NULL)
    error = parse_count(settings->name, config, "fail_first_loads", &settings->fail_first_loads);
  if (error != NULL)
    return error;
  json_object *policy, *decoupled;
  settings->decoupled = json_object_object_get_ex(config, "model_transaction_policy", &policy) &&
                        json_object_object_get_ex(policy, "decoupled", &decoupled) &&
                        json_object_get_boolean(decoupled);

  const char *error_id = parameter(config, "error_request_id");
  if (error_id != NULL && (settings->error_request_id = strdup(error_id)) == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "identity backend: out of memory");

  error =
      parse_bool(settings->name, "error_all", parameter(config, "error_all"), &settings->error_all);
  if (error == NULL)
    error = parse_bool(settings->name, "fail_load", parameter(config, "fail_load"),
                       &settings->fail_load);
  if (error == NULL)
    error = parse_bool(settings->name, "echo_parameters", parameter(config, "echo_parameters"),
                       &settings->echo_parameters);
  if (error == NULL)
    error = parse_bool(settings->name, "echo_backend_config",
                       parameter(config, "echo_backend_config"), &settings->echo_backend_config);
  return error;
}

TRITONSERVER_Error *identity_model_new(TRITONBACKEND_Model *model, identity_model **out)
{
  const char *name = NULL;
  TRITONSERVER_Error *error = TRITONBACKEND_ModelName(model, &name);
  if (error != NULL)
    return error;
  TRITONSERVER_Message *message = NULL;
  if ((error = TRITONBACKEND_ModelConfig(model, 1, &message)) != NULL)
    return error;
  const char *json = NULL;
  size_t json_size = 0;
  error = TRITONSERVER_MessageSerializeToJson(message, &json, &json_size);
  json_object *config = NULL;
  if (error == NULL) {
    json_tokener *tokener = json_tokener_new();
    config = tokener != NULL ? json_tokener_parse_ex(tokener, json, (int)json_size) : NULL;
    json_tokener_free(tokener);
    if (config == NULL || !json_object_is_type(config, json_type_object))
      error =
          TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                "identity backend: the model configuration is not a JSON object");
  }
  TRITONSERVER_MessageDelete(message);

  identity_model *settings = NULL;
  if (error == NULL) {
    settings = calloc(1, sizeof(*settings));
    if (settings == NULL || (settings->name = strdup(name)) == NULL)
      error = TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "identity backend: out of memory");
  }
  if (error == NULL)
    error = read_settings(config, settings);
  json_object_put(config);
  if (error != NULL) {
    identity_model_free(settings);
    return error;
  }
  *out = settings;
  return NULL;
}

void identity_model_free(identity_model *model)
{
  if (model == NULL)
    return;
  free(model->name);
  free(model->error_request_id);
  free(model);
}
