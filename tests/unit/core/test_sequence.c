/* test_sequence.c — the basic sequence batcher and implicit state without threads or a
 * backend: correlation-id rules, control inputs injected at dispatch, one request per
 * sequence at a time, state stored by TRITONBACKEND_StateUpdate fed to the next request,
 * initial (zero) state on START, and the sequence forgotten after END. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "request.h"
#include "scheduler.h"
#include "sequence.h"

#define CONFIG                                                                           \
  "backend: \"identity\"\nmax_batch_size: 0\n"                                           \
  "input [ { name: \"X\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n"                        \
  "output [ { name: \"Y\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n"                       \
  "sequence_batching {\n"                                                                \
  "  control_input [ { name: \"START\" control [ { kind: CONTROL_SEQUENCE_START "        \
  "int32_false_true: [ 0, 1 ] } ] },\n"                                                  \
  "                  { name: \"CORRID\" control [ { kind: CONTROL_SEQUENCE_CORRID "      \
  "data_type: TYPE_UINT64 } ] } ]\n"                                                     \
  "  state [ { input_name: \"S_IN\" output_name: \"S_OUT\" data_type: TYPE_INT32 "       \
  "dims: [ 2 ] initial_state [ { data_type: TYPE_INT32 dims: [ 2 ] zero_data: true "     \
  "name: \"zeros\" } ] } ]\n"                                                            \
  "}\n"

typedef struct world {
  TRITONBACKEND_Model model;
  scheduler sched;
} world;

static world *world_with(const char *config)
{
  world *w = calloc(1, sizeof(*w));
  char *error = NULL;
  if (model_config_parse(config, strlen(config), "test.pbtxt", &w->model.config, &error) != 0)
    fail_msg("config did not parse: %s", error);
  w->model.name = "m";
  TRITONSERVER_Error *err = NULL;
  w->model.sequences = sequence_batcher_new(w->model.config, "m", "/nonexistent", &err);
  assert_null(err);
  w->sched.model = &w->model;
  pthread_mutex_init(&w->sched.mu, NULL);
  pthread_cond_init(&w->sched.work_cv, NULL);
  return w;
}

static world *world_new(void) { return world_with(CONFIG); }

static TRITONSERVER_InferenceRequest *dispatched(world *w);

static void world_free(world *w)
{
  while (dispatched(w))
    ;
  free(w->sched.pinned_head);
  free(w->sched.pinned_tail);
  sequence_batcher_free(w->model.sequences);
  model_config_free(w->model.config);
  pthread_mutex_destroy(&w->sched.mu);
  pthread_cond_destroy(&w->sched.work_cv);
  free(w);
}

static TRITONSERVER_InferenceRequest *request(world *w, uint64_t corr, uint32_t flags)
{
  TRITONSERVER_InferenceRequest *r = NULL;
  assert_null(TRITONSERVER_InferenceRequestNew(&r, (TRITONSERVER_Server *)w, "m", -1));
  assert_null(TRITONSERVER_InferenceRequestSetCorrelationId(r, corr));
  assert_null(TRITONSERVER_InferenceRequestSetFlags(r, flags));
  r->model = &w->model;
  return r;
}

/* Pops the next request dispatched to instance 0 (the only one), NULL if none. A
 * sequence's requests are pinned to one instance. */
static TRITONSERVER_InferenceRequest *dispatched(world *w)
{
  assert_null(w->sched.ready_head); /* never unpinned */
  sched_batch *b = w->sched.pinned_slots ? w->sched.pinned_head[0] : NULL;
  if (!b)
    return NULL;
  w->sched.pinned_head[0] = b->next;
  if (!w->sched.pinned_head[0])
    w->sched.pinned_tail[0] = NULL;
  assert_int_equal(b->count, 1);
  TRITONSERVER_InferenceRequest *r = b->requests[0];
  sched_batch_free(b);
  return r;
}

static const void *input_data(TRITONSERVER_InferenceRequest *r, const char *name)
{
  TRITONBACKEND_Input *in = request_find_input(r, name);
  if (!in)
    fail_msg("request has no input '%s'", name);
  assert_int_equal(in->buffer_count, 1);
  return in->buffers[0].base;
}

/* What a backend does with implicit state: S_OUT = S_IN + {10, 20}. */
static void backend_updates_state(TRITONSERVER_InferenceRequest *r)
{
  const int32_t *in = input_data(r, "S_IN");
  TRITONBACKEND_State *state = NULL;
  int64_t shape[] = {2};
  assert_null(TRITONBACKEND_StateNew(&state, request_backend(r), "S_OUT", TRITONSERVER_TYPE_INT32,
                                     shape, 1));
  void *buffer = NULL;
  TRITONSERVER_MemoryType mt = TRITONSERVER_MEMORY_CPU;
  int64_t id = 0;
  assert_null(TRITONBACKEND_StateBuffer(state, &buffer, 8, &mt, &id));
  int32_t next[2] = {in[0] + 10, in[1] + 20};
  memcpy(buffer, next, 8);
  assert_null(TRITONBACKEND_StateUpdate(state));
}

static void finish(world *w, TRITONSERVER_InferenceRequest *r)
{
  sequence_request_done(w->model.sequences, &w->sched, r);
  request_reset_runtime(r);
  r->model = &w->model;
}

static void correlation_id_rules(void **state)
{
  (void)state;
  world *w = world_new();
  TRITONSERVER_InferenceRequest *r = request(w, 0, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START);
  TRITONSERVER_Error *err = sequence_enqueue(w->model.sequences, &w->sched, r);
  assert_non_null(err);
  assert_string_equal(TRITONSERVER_ErrorMessage(err),
                      "inference request to model 'm' must specify a non-zero or non-empty "
                      "correlation ID");
  TRITONSERVER_ErrorDelete(err);
  assert_null(TRITONSERVER_InferenceRequestSetCorrelationId(r, 9));
  assert_null(TRITONSERVER_InferenceRequestSetFlags(r, 0));
  err = sequence_enqueue(w->model.sequences, &w->sched, r);
  assert_non_null(err);
  assert_string_equal(TRITONSERVER_ErrorMessage(err),
                      "inference request for sequence 9 to model 'm' must specify the START flag "
                      "on the first request of the sequence");
  TRITONSERVER_ErrorDelete(err);
  assert_null(dispatched(w));
  r->model = NULL;
  assert_null(TRITONSERVER_InferenceRequestDelete(r));
  world_free(w);
}

static void state_flows_through_a_sequence(void **state)
{
  (void)state;
  world *w = world_new();
  TRITONSERVER_InferenceRequest *a = request(w, 42, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START);
  TRITONSERVER_InferenceRequest *b = request(w, 42, 0);
  TRITONSERVER_InferenceRequest *c = request(w, 42, TRITONSERVER_REQUEST_FLAG_SEQUENCE_END);
  assert_null(sequence_enqueue(w->model.sequences, &w->sched, a));
  assert_null(sequence_enqueue(w->model.sequences, &w->sched, b));
  assert_null(sequence_enqueue(w->model.sequences, &w->sched, c));

  /* Only the first runs; it sees START=1, its correlation id and the zero state. */
  assert_ptr_equal(dispatched(w), a);
  assert_null(dispatched(w));
  assert_int_equal(*(const int32_t *)input_data(a, "START"), 1);
  assert_int_equal(*(const uint64_t *)input_data(a, "CORRID"), 42);
  const int32_t *s = input_data(a, "S_IN");
  assert_int_equal(s[0], 0);
  assert_int_equal(s[1], 0);
  /* Injected inputs enumerate in sorted-name order with the client's. */
  assert_string_equal(a->inputs[0]->name, "CORRID");
  backend_updates_state(a);
  finish(w, a);
  assert_int_equal(a->input_count, 0); /* injected inputs removed at release */

  assert_ptr_equal(dispatched(w), b);
  assert_int_equal(*(const int32_t *)input_data(b, "START"), 0);
  s = input_data(b, "S_IN");
  assert_int_equal(s[0], 10);
  assert_int_equal(s[1], 20);
  backend_updates_state(b);
  finish(w, b);

  assert_ptr_equal(dispatched(w), c);
  s = input_data(c, "S_IN");
  assert_int_equal(s[0], 20);
  assert_int_equal(s[1], 40);
  finish(w, c);
  assert_null(dispatched(w));

  /* After END the sequence is gone: continuing it without START is an error. */
  TRITONSERVER_Error *err = sequence_enqueue(w->model.sequences, &w->sched, b);
  assert_non_null(err);
  TRITONSERVER_ErrorDelete(err);

  TRITONSERVER_InferenceRequest *all[] = {a, b, c};
  for (int i = 0; i < 3; i++) {
    all[i]->model = NULL;
    assert_null(TRITONSERVER_InferenceRequestDelete(all[i]));
  }
  world_free(w);
}

static void state_name_must_be_configured(void **state)
{
  (void)state;
  world *w = world_new();
  TRITONSERVER_InferenceRequest *r = request(w, 1, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START);
  TRITONBACKEND_State *st = NULL;
  int64_t shape[] = {2};
  TRITONSERVER_Error *err = TRITONBACKEND_StateNew(&st, request_backend(r), "NOPE",
                                                   TRITONSERVER_TYPE_INT32, shape, 1);
  assert_non_null(err);
  assert_string_equal(TRITONSERVER_ErrorMessage(err),
                      "state 'NOPE' is not a sequence_batching.state output_name of model 'm'");
  TRITONSERVER_ErrorDelete(err);
  r->model = NULL;
  assert_null(TRITONSERVER_InferenceRequestDelete(r));
  world_free(w);
}

static void idle_sequences_are_forgotten(void **state)
{
  (void)state;
  /* CONFIG with a 1 µs idle limit (the closing brace of sequence_batching replaced). */
  char config[2048];
  snprintf(config, sizeof(config), "%.*s  max_sequence_idle_microseconds: 1\n}\n",
           (int)(strlen(CONFIG) - 2), CONFIG);
  world *w = world_with(config);
  TRITONSERVER_InferenceRequest *a = request(w, 7, TRITONSERVER_REQUEST_FLAG_SEQUENCE_START);
  assert_null(sequence_enqueue(w->model.sequences, &w->sched, a));
  assert_ptr_equal(dispatched(w), a);
  finish(w, a); /* no END: the sequence stays open */
  struct timespec pause = {0, 2000000};
  nanosleep(&pause, NULL);
  TRITONSERVER_InferenceRequest *b = request(w, 7, 0);
  TRITONSERVER_Error *err = sequence_enqueue(w->model.sequences, &w->sched, b);
  assert_non_null(err); /* forgotten: continuing it needs START again */
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(err), "must specify the START flag"));
  TRITONSERVER_ErrorDelete(err);
  a->model = b->model = NULL;
  assert_null(TRITONSERVER_InferenceRequestDelete(a));
  assert_null(TRITONSERVER_InferenceRequestDelete(b));
  world_free(w);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(correlation_id_rules),
      cmocka_unit_test(state_flows_through_a_sequence),
      cmocka_unit_test(state_name_must_be_configured),
      cmocka_unit_test(idle_sequences_are_forgotten),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
