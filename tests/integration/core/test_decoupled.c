/* test_decoupled.c — decoupled models (model_transaction_policy { decoupled: true }):
 * the backend answers through a response factory with any number of responses and a
 * separate FINAL flag; the client's response callback sees each response, then the
 * FINAL flag alone (a NULL response). Also the transaction properties the server
 * reports for decoupled and one-to-one models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "models.h"

static const int V1[] = {1};

#define DECOUPLED_MODEL(repeat)                                                                    \
  MODEL_IDENTITY_FP32                                                                              \
  "model_transaction_policy { decoupled: true }\n"                                                 \
  "parameters { key: \"decoupled_repeat\" value { string_value: \"" repeat "\" } }\n"

static infer_call *run_one(TRITONSERVER_Server *server, const char *model)
{
  infer_call *call = call_new(server, model, -1, NULL);
  const int64_t shape[] = {1, 4};
  const float data[4] = {5, 6, 7, 8};
  call_add_input(call, "INPUT0", TRITONSERVER_TYPE_FP32, shape, 2, data, sizeof(data));
  call_run(server, call);
  return call;
}

static void decoupled_responses_then_final_flag(void **state)
{
  (void)state;
  char *repo = repo_create();
  repo_add_model(repo, "three", DECOUPLED_MODEL("3"), V1, 1);
  repo_add_model(repo, "none", DECOUPLED_MODEL("0"), V1, 1);
  repo_add_model(repo, "plain", MODEL_IDENTITY_FP32, V1, 1);
  TRITONSERVER_ServerOptions *options = server_options(repo, TRITONSERVER_MODEL_CONTROL_NONE);
  TRITONSERVER_Server *server = server_start(options);
  TRITONSERVER_ServerOptionsDelete(options);

  infer_call *call = run_one(server, "three");
  check_call_ok(call);
  assert_int_equal(call->response_count, 3);
  assert_int_equal(call->final_count, 1);
  assert_int_equal(call_int_parameter(call, "response_index"), 2); /* the last one kept */
  tensor_view out = call_tensor(call, "OUTPUT0");
  assert_true(((const float *)out.base)[3] == 8.0f);
  call_free(call);

  /* Zero responses: only the FINAL flag arrives. */
  call = run_one(server, "none");
  assert_null(call->error_message);
  assert_int_equal(call->response_count, 0);
  assert_int_equal(call->final_count, 1);
  assert_int_equal(call->release_count, 1);
  call_free(call);

  uint32_t flags = 0;
  void *unused = NULL;
  check_ok(TRITONSERVER_ServerModelTransactionProperties(server, "three", -1, &flags, &unused),
           "ModelTransactionProperties(decoupled)");
  assert_true(flags & TRITONSERVER_TXN_DECOUPLED);
  check_ok(TRITONSERVER_ServerModelTransactionProperties(server, "plain", -1, &flags, &unused),
           "ModelTransactionProperties(one-to-one)");
  assert_true(flags & TRITONSERVER_TXN_ONE_TO_ONE);
  assert_false(flags & TRITONSERVER_TXN_DECOUPLED);
  server_finish(server, repo);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(decoupled_responses_then_final_flag),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
