/* test_model_control.c — model control modes (NONE, POLL, EXPLICIT), load/unload and
 * reload through the API, versions and version policies, how a request names a
 * version (-1: highest ready; missing: NOT_FOUND; not ready: UNAVAILABLE), and where
 * backend libraries are looked for (version dir, model dir, backend directory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"

static const int V1[] = {1};
static const int V123[] = {1, 2, 3};

/* Runs one FP32 identity inference on model/version; returns the version that
 * answered, or -1 with *code set when it failed. */
static int64_t infer_version(TRITONSERVER_Server *server, const char *model, int64_t version,
                             TRITONSERVER_Error_Code *code)
{
  infer_call *call = call_new(server, model, version, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {1, 2, 3, 4};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  int64_t answered = -1;
  if (call->error_message != NULL) {
    if (getenv("TORCHD_TEST_LOG") != NULL)
      fprintf(stderr, "inference on '%s' failed: %s\n", model, call->error_message);
    *code = call->error_code;
  } else {
    const char *name = NULL;
    check_ok(TRITONSERVER_InferenceResponseModel(call->response, &name, &answered),
             "InferenceResponseModel");
    assert_string_equal(name, model);
  }
  call_free(call);
  return answered;
}

static void explicit_mode_loads_only_what_is_asked(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "a", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(repo, "b", MODEL_IDENTITY_FP32, V1, 1);
  repo_add_model(repo, "bad", MODEL_FAILS_TO_LOAD, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetStartupModel(options, "a"), "startup model");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  assert_true(model_ready(server, "a", -1));
  assert_false(model_ready(server, "b", -1));
  /* Never-loaded models are still listed by the index, with no ready state. */
  char *state_text = index_state(server, "b", NULL);
  assert_non_null(state_text);
  assert_true(strcmp(state_text, "READY") != 0);
  free(state_text);

  check_ok(TRITONSERVER_ServerLoadModel(server, "b"), "LoadModel(b)");
  assert_true(model_ready(server, "b", -1));
  TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_UNKNOWN;
  assert_int_equal(infer_version(server, "b", -1, &code), 1);

  check_ok(TRITONSERVER_ServerUnloadModel(server, "a"), "UnloadModel(a)");
  assert_false(model_ready(server, "a", -1));
  state_text = index_state(server, "a", "1");
  assert_non_null(state_text);
  assert_string_equal(state_text, "UNAVAILABLE");
  free(state_text);
  assert_int_equal(infer_version(server, "a", -1, &code), -1);
  assert_true(code == TRITONSERVER_ERROR_UNAVAILABLE || code == TRITONSERVER_ERROR_NOT_FOUND);

  /* Failures are reported by the call and leave the others alone. */
  check_error(TRITONSERVER_ServerLoadModel(server, "bad"), ANY_CODE, "fail_load");
  check_error(TRITONSERVER_ServerLoadModel(server, "no_such_model"), ANY_CODE, "no_such_model");
  assert_true(model_ready(server, "b", -1));

  /* Loading again after a config change reloads it. */
  char path[1024];
  snprintf(path, sizeof(path), "%s/b/config.pbtxt", repo);
  FILE *file = fopen(path, "w");
  assert_non_null(file);
  fputs("backend: \"identity\"\nmax_batch_size: 2\n"
        "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
        "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n",
        file);
  fclose(file);
  check_ok(TRITONSERVER_ServerLoadModel(server, "b"), "reload b");
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelConfig(server, "b", -1, 1, &message), "ModelConfig(b)");
  json_object *config = message_json(message);
  assert_int_equal(json_object_get_int(json_object_object_get(config, "max_batch_size")), 2);
  json_object_put(config);

  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

static void load_with_config_parameter_overrides_the_file(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "a", MODEL_IDENTITY_FP32, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  const char *override =
      "{\"backend\":\"identity\",\"max_batch_size\":3,"
      "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}],"
      "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}]}";
  TRITONSERVER_Parameter *parameter =
      TRITONSERVER_ParameterNew("config", TRITONSERVER_PARAMETER_STRING, override);
  const TRITONSERVER_Parameter *parameters[] = {parameter};
  check_ok(TRITONSERVER_ServerLoadModelWithParameters(server, "a", parameters, 1),
           "LoadModelWithParameters");
  TRITONSERVER_ParameterDelete(parameter);
  TRITONSERVER_Message *message = NULL;
  check_ok(TRITONSERVER_ServerModelConfig(server, "a", -1, 1, &message), "ModelConfig");
  json_object *config = message_json(message);
  assert_int_equal(json_object_get_int(json_object_object_get(config, "max_batch_size")), 3);
  json_object_put(config);
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

/* How many torchd-override-* repositories `tmp` holds. */
static int override_count(const char *tmp)
{
  DIR *d = opendir(tmp);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strncmp(e->d_name, "torchd-override-", 16) == 0;
  if (d)
    closedir(d);
  return n;
}

static TRITONSERVER_Error *load_with_files(TRITONSERVER_Server *server, const char *model,
                                           const char *config, const char *file_key)
{
  TRITONSERVER_Parameter *p[2];
  p[0] = TRITONSERVER_ParameterNew("config", TRITONSERVER_PARAMETER_STRING, config);
  p[1] = TRITONSERVER_ParameterBytesNew(file_key, "weights", 7);
  TRITONSERVER_Error *err =
      TRITONSERVER_ServerLoadModelWithParameters(server, model, (const TRITONSERVER_Parameter **)p, 2);
  TRITONSERVER_ParameterDelete(p[0]);
  TRITONSERVER_ParameterDelete(p[1]);
  return err;
}

/* `file:` load parameters: the model comes from the request's files (a private
 * temporary repository under $TMPDIR) and needs no repository entry; the directory lives
 * as long as the versions loaded from it. */
static void load_with_files_from_the_request(void **state)
{
  (void)state;
  char *repo = repo_create();
  char *tmp = repo_create();
  setenv("TMPDIR", tmp, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  const char *config =
      "{\"backend\":\"identity\",\"max_batch_size\":8,"
      "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}],"
      "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4]}]}";

  check_ok(load_with_files(server, "sent", config, "file:1/weights.bin"), "load with files");
  assert_true(model_ready(server, "sent", 1));
  TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_UNKNOWN;
  assert_int_equal(infer_version(server, "sent", -1, &code), 1);
  assert_int_equal(override_count(tmp), 1);
  /* A reload from new files replaces the directory. */
  check_ok(load_with_files(server, "sent", config, "file:2/weights.bin"), "reload with files");
  assert_int_equal(infer_version(server, "sent", -1, &code), 2);
  assert_int_equal(override_count(tmp), 1);
  /* Refused requests: named parameter, nothing written, version 2 still serves. */
  check_error(load_with_files(server, "sent", config, "file:../1/x"),
              TRITONSERVER_ERROR_INVALID_ARG, "'file:../1/x'");
  check_error(load_with_files(server, "sent", config, "file:weights.bin"),
              TRITONSERVER_ERROR_INVALID_ARG, "at least one version");
  TRITONSERVER_Parameter *file = TRITONSERVER_ParameterBytesNew("file:1/w", "x", 1);
  const TRITONSERVER_Parameter *only_file[] = {file};
  check_error(TRITONSERVER_ServerLoadModelWithParameters(server, "sent", only_file, 1),
              TRITONSERVER_ERROR_INVALID_ARG, "Load parameter 'config' must be specified");
  TRITONSERVER_ParameterDelete(file);
  assert_int_equal(override_count(tmp), 1);
  assert_int_equal(infer_version(server, "sent", -1, &code), 2);
  /* Unloaded: the directory goes; loaded again and left loaded: it goes at exit. */
  check_ok(TRITONSERVER_ServerUnloadModel(server, "sent"), "unload");
  assert_int_equal(override_count(tmp), 0);
  check_ok(load_with_files(server, "sent", config, "file:1/weights.bin"), "load again");
  assert_int_equal(override_count(tmp), 1);
  server_stop(server);
  assert_int_equal(override_count(tmp), 0);
  unsetenv("TMPDIR");
  repo_remove_tree(tmp);
  free(tmp);
  repo_remove_tree(repo);
  free(repo);
}

/* ServerOptionsSetModelLoadRetryCount: a model failing its first two loads is READY with
 * two retries, and UNAVAILABLE with one. */
static void load_retries(void **state)
{
  (void)state;
  const char *config = MODEL_IDENTITY_FP32
      "parameters { key: \"fail_first_loads\" value { string_value: \"2\" } }\n";
  char *repo = repo_create();
  repo_add_model(repo, "flaky_once", config, V1, 1);
  repo_add_model(repo, "flaky_twice", config, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetModelLoadRetryCount(options, 1), "retry count");
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  check_error(TRITONSERVER_ServerLoadModel(server, "flaky_once"), ANY_CODE, "fail_first_loads");
  assert_false(model_ready(server, "flaky_once", -1));
  check_ok(TRITONSERVER_ServerLoadModel(server, "flaky_once"), "third load"); /* 3rd attempt */
  server_stop(server);

  options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  check_ok(TRITONSERVER_ServerOptionsSetModelLoadRetryCount(options, 2), "retry count");
  server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  check_ok(TRITONSERVER_ServerLoadModel(server, "flaky_twice"), "load with two retries");
  assert_true(model_ready(server, "flaky_twice", -1));
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

/* ServerOptionsSetModelNamespacing(true) is refused by ServerNew, with the reason. */
static void namespacing_refused(void **state)
{
  (void)state;
  char *repo = repo_create();
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  check_ok(TRITONSERVER_ServerOptionsSetModelNamespacing(options, true), "namespacing");
  TRITONSERVER_Server *server = NULL;
  check_error(TRITONSERVER_ServerNew(&server, options), TRITONSERVER_ERROR_UNSUPPORTED,
              "--model-namespacing=true is not supported");
  assert_null(server);
  TRITONSERVER_ServerOptionsDelete(options);
  repo_remove_tree(repo);
  free(repo);
}

static void none_mode_refuses_load_and_unload(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "a", MODEL_IDENTITY_FP32, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  assert_true(model_ready(server, "a", -1));
  check_error(TRITONSERVER_ServerLoadModel(server, "a"), TRITONSERVER_ERROR_UNAVAILABLE, NULL);
  check_error(TRITONSERVER_ServerUnloadModel(server, "a"), TRITONSERVER_ERROR_UNAVAILABLE, NULL);
  assert_true(model_ready(server, "a", -1));
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

static void poll_mode_follows_the_repository(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "a", MODEL_IDENTITY_FP32, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_POLL);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  assert_true(model_ready(server, "a", -1));
  check_error(TRITONSERVER_ServerLoadModel(server, "a"), TRITONSERVER_ERROR_UNAVAILABLE, NULL);

  repo_add_model(repo, "b", MODEL_IDENTITY_FP32, V1, 1);
  check_ok(TRITONSERVER_ServerPollModelRepository(server), "PollModelRepository(add)");
  assert_true(model_ready(server, "b", -1));

  char path[1024];
  snprintf(path, sizeof(path), "%s/a", repo);
  repo_remove_tree(path);
  check_ok(TRITONSERVER_ServerPollModelRepository(server), "PollModelRepository(remove)");
  assert_false(model_ready(server, "a", -1));
  assert_true(model_ready(server, "b", -1));

  /* A broken change to a serving model keeps the old one serving. */
  snprintf(path, sizeof(path), "%s/b/config.pbtxt", repo);
  FILE *file = fopen(path, "w");
  assert_non_null(file);
  fputs("max_batch_size: not-a-number\n", file);
  fclose(file);
  TRITONSERVER_ErrorDelete(TRITONSERVER_ServerPollModelRepository(server));
  assert_true(model_ready(server, "b", -1));

  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

/* Writes a 3-version model with 'policy' (config text) and returns a started server. */
static TRITONSERVER_Server *versioned_server(const char *repo, const char *policy)
{
  char config[1024];
  snprintf(config, sizeof(config), "%s%s", MODEL_IDENTITY_FP32, policy);
  repo_add_model(repo, "v", config, V123, 3);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);
  return server;
}

static void version_policies(void **state)
{
  (void)state;
  static const struct {
    const char *policy;
    bool ready[3];
    int64_t latest;
  } cases[] = {
      {"", {false, false, true}, 3},
      {"version_policy: { latest { num_versions: 2 } }\n", {false, true, true}, 3},
      {"version_policy: { all { } }\n", {true, true, true}, 3},
      {"version_policy: { specific { versions: [ 1, 2 ] } }\n", {true, true, false}, 2},
  };
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    char *repo = repo_create();
    TRITONSERVER_Server *server = versioned_server(repo, cases[c].policy);
    for (int v = 1; v <= 3; v++) {
      if (model_ready(server, "v", v) != cases[c].ready[v - 1])
        fail_msg("policy '%s': version %d ready=%d, expected %d", cases[c].policy, v,
                 !cases[c].ready[v - 1], cases[c].ready[v - 1]);
    }
    TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_UNKNOWN;
    assert_int_equal(infer_version(server, "v", -1, &code), cases[c].latest);
    server_stop(server);
    repo_remove_tree(repo);
    free(repo);
  }
}

static void requests_name_versions(void **state)
{
  (void)state;
  char *repo = repo_create();
  TRITONSERVER_Server *server =
      versioned_server(repo, "version_policy: { specific { versions: [ 1, 3 ] } }\n");
  TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_UNKNOWN;
  assert_int_equal(infer_version(server, "v", 1, &code), 1);
  assert_int_equal(infer_version(server, "v", 3, &code), 3);
  /* On disk but outside the policy: Triton answers NOT_FOUND (never loaded) or
   * UNAVAILABLE (known, not ready); either way it must fail. */
  assert_int_equal(infer_version(server, "v", 2, &code), -1);
  assert_true(code == TRITONSERVER_ERROR_UNAVAILABLE || code == TRITONSERVER_ERROR_NOT_FOUND);
  assert_int_equal(infer_version(server, "v", 7, &code), -1); /* does not exist */
  assert_int_equal(code, TRITONSERVER_ERROR_NOT_FOUND);
  assert_int_equal(infer_version(server, "nope", -1, &code), -1);
  assert_int_equal(code, TRITONSERVER_ERROR_NOT_FOUND);
  server_stop(server);
  repo_remove_tree(repo);
  free(repo);
}

/* Copies the identity backend library to 'destination'. */
static void copy_identity_library(const char *destination)
{
  FILE *in = fopen(TORCHD_BACKEND_DIR "/identity/libtriton_identity.so", "rb");
  FILE *out = fopen(destination, "wb");
  assert_non_null(in);
  assert_non_null(out);
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0)
    assert_int_equal(fwrite(buffer, 1, n, out), n);
  fclose(in);
  fclose(out);
}

static void backend_libraries_are_found_as_triton_finds_them(void **state)
{
  (void)state;
  char *repo = repo_create();
  /* backend "local" exists only as <repo>/<model>/libtriton_local.so ... */
  repo_add_model(repo, "in_model_dir",
                 "backend: \"local\"\nmax_batch_size: 8\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n",
                 V1, 1);
  char path[1024];
  snprintf(path, sizeof(path), "%s/in_model_dir/libtriton_local.so", repo);
  copy_identity_library(path);
  /* ... "versioned" only as <repo>/<model>/1/libtriton_versioned.so ... */
  repo_add_model(repo, "in_version_dir",
                 "backend: \"versioned\"\nmax_batch_size: 8\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n",
                 V1, 1);
  snprintf(path, sizeof(path), "%s/in_version_dir/1/libtriton_versioned.so", repo);
  copy_identity_library(path);
  /* ... and "nope" nowhere. */
  repo_add_model(repo, "missing_backend",
                 "backend: \"nope\"\nmax_batch_size: 8\n"
                 "input [ { name: \"INPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n"
                 "output [ { name: \"OUTPUT0\" data_type: TYPE_FP32 dims: [ 4 ] } ]\n",
                 V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_EXPLICIT);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  check_ok(TRITONSERVER_ServerLoadModel(server, "in_model_dir"), "load from the model dir");
  check_ok(TRITONSERVER_ServerLoadModel(server, "in_version_dir"), "load from the version dir");
  TRITONSERVER_Error_Code code = TRITONSERVER_ERROR_UNKNOWN;
  assert_int_equal(infer_version(server, "in_model_dir", -1, &code), 1);
  assert_int_equal(infer_version(server, "in_version_dir", -1, &code), 1);
  check_error(TRITONSERVER_ServerLoadModel(server, "missing_backend"), ANY_CODE,
              "unable to find backend library for backend 'nope', try specifying runtime on "
              "the model configuration.");
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(explicit_mode_loads_only_what_is_asked),
      cmocka_unit_test(load_with_config_parameter_overrides_the_file),
      cmocka_unit_test(load_with_files_from_the_request),
      cmocka_unit_test(load_retries),
      cmocka_unit_test(namespacing_refused),
      cmocka_unit_test(none_mode_refuses_load_and_unload),
      cmocka_unit_test(poll_mode_follows_the_repository),
      cmocka_unit_test(version_policies),
      cmocka_unit_test(requests_name_versions),
      cmocka_unit_test(backend_libraries_are_found_as_triton_finds_them),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
