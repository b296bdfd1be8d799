/*
 * fuzz_pbtxt.c — libFuzzer target for the config.pbtxt parser (src/config).
 *
 * For every input: parse it as protobuf text format. When it parses, the config must
 * render to JSON, that JSON must read back without error, the result must equal the
 * parsed config field for field, and rendering it again must give the same bytes. Clone
 * and normalize + validate run too, so their code sees arbitrary configs. The same bytes
 * are also fed to the JSON reader (a backend's TRITONBACKEND_ModelSetConfig and the HTTP
 * load override arrive as JSON); whatever it accepts must render and read back equal.
 * Any crash, leak, sanitizer report or broken round trip aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_config.h"

static void check(int condition, const char *what, const char *detail) {
  if (!condition) {
    fprintf(stderr, "fuzz_pbtxt: %s\n%s\n", what, detail ? detail : "");
    abort();
  }
}

/* JSON reader: accepted input must survive render → read → equal. */
static void fuzz_json_reader(const uint8_t *data, size_t size) {
  ModelConfig *config = NULL;
  char *error = NULL;
  if (model_config_from_json((const char *)data, size, &config, &error) != 0) {
    check(error != NULL, "JSON reader failed without an error", NULL);
    free(error);
    return;
  }
  char *json = model_config_to_json(config);
  ModelConfig *back = NULL;
  check(model_config_from_json(json, strlen(json), &back, &error) == 0,
        "JSON reader cannot read its own rendering", error);
  check(model_config_equal(config, back), "JSON reader round trip changed the config", json);
  free(json);
  model_config_free(back);
  model_config_free(config);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_json_reader(data, size);
  ModelConfig *config = NULL;
  char *error = NULL;
  if (model_config_parse((const char *)data, size, "fuzz.pbtxt", &config, &error) != 0) {
    check(error != NULL && strncmp(error, "fuzz.pbtxt:", 11) == 0,
          "parse error without a file:line:column prefix", error);
    free(error);
    return 0;
  }
  char *json = model_config_to_json(config);
  ModelConfig *back = NULL;
  int rc = model_config_from_json(json, strlen(json), &back, &error);
  check(rc == 0, "rendered JSON does not read back", error);
  check(model_config_equal(config, back), "JSON round trip changed the config", json);
  char *json_again = model_config_to_json(back);
  check(strcmp(json, json_again) == 0, "second rendering differs", json_again);

  ModelConfig *copy = model_config_clone(config);
  check(model_config_equal(config, copy), "clone differs", json);
  ModelNormalizeOptions opts = {.model_name = "fuzz_model", .gpu_count = (int)(size % 3),
                                .resolve_instance_groups = true};
  model_config_normalize(copy, &opts);
  if (model_config_validate(copy, "fuzz_model", opts.gpu_count, &error) != 0) {
    free(error);
  }
  char *normalized = model_config_to_json(copy);

  free(normalized);
  model_config_free(copy);
  free(json_again);
  free(json);
  model_config_free(back);
  model_config_free(config);
  return 0;
}
