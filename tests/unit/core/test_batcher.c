/* test_batcher.c — the dynamic batcher's queue rules without threads: preferred batch
 * sizes, max batch size, queue delay, shape compatibility, priority levels, queue
 * policies (max_queue_size rejection, timeout REJECT and DELAY). Requests are bare
 * structs with only the fields the batcher reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "batcher.h"
#include "model_config.h"

#define MS 1000000ull

static ModelConfig *config_of(const char *text)
{
  ModelConfig *cfg = NULL;
  char *error = NULL;
  if (model_config_parse(text, strlen(text), "test.pbtxt", &cfg, &error) != 0)
    fail_msg("config did not parse: %s", error);
  ModelNormalizeOptions opts = {.model_name = "m", .resolve_instance_groups = true};
  model_config_normalize(cfg, &opts);
  return cfg;
}

#define BASE_CONFIG                                                                \
  "backend: \"identity\"\nmax_batch_size: 8\n"                                     \
  "input [ { name: \"IN\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"                 \
  "output [ { name: \"OUT\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"

/* A fake request: one input "IN" of shape [batch, width]. */
typedef struct fake {
  TRITONSERVER_InferenceRequest req;
  TRITONBACKEND_Input input;
  TRITONBACKEND_Input *inputs[1];
  int64_t shape[2];
} fake;

static fake *fake_new(uint64_t batch, int64_t width, uint64_t priority, uint64_t queued_at)
{
  fake *f = calloc(1, sizeof(*f));
  f->shape[0] = (int64_t)batch;
  f->shape[1] = width;
  f->input.name = "IN";
  f->input.shape = f->shape;
  f->input.dims_count = 2;
  f->inputs[0] = &f->input;
  f->req.inputs = f->inputs;
  f->req.input_count = 1;
  f->req.batch_size = batch;
  f->req.priority = priority;
  f->req.queue_start_ns = queued_at;
  return f;
}

static batcher *make(ModelConfig *cfg)
{
  TRITONSERVER_Error *err = NULL;
  batcher *b = batcher_new(cfg, "m", &err);
  assert_null(err);
  assert_non_null(b);
  return b;
}

static void add_ok(batcher *b, fake *f)
{
  TRITONSERVER_Error *err = batcher_add_locked(b, &f->req);
  if (err)
    fail_msg("unexpected rejection: %s", TRITONSERVER_ErrorMessage(err));
}

static void preferred_size_goes_at_once(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { preferred_batch_size: [ 4 ] "
                                           "max_queue_delay_microseconds: 100000 }");
  batcher *b = make(cfg);
  fake *f[8];
  uint64_t wake = 0;
  for (int i = 0; i < 3; i++) {
    f[i] = fake_new(1, 2, 0, 0);
    add_ok(b, f[i]);
  }
  /* 3 < preferred 4: wait until the oldest request's delay ends. */
  assert_null(batcher_form_locked(b, 1 * MS, &wake));
  assert_int_equal(wake, 100 * MS);
  for (int i = 3; i < 8; i++) {
    f[i] = fake_new(1, 2, 0, 2 * MS);
    add_ok(b, f[i]);
  }
  sched_batch *batch = batcher_form_locked(b, 2 * MS, &wake);
  assert_non_null(batch);
  assert_int_equal(batch->count, 4);
  assert_ptr_equal(batch->requests[0], &f[0]->req); /* FIFO */
  sched_batch_free(batch);
  batch = batcher_form_locked(b, 2 * MS, &wake);
  assert_non_null(batch);
  assert_int_equal(batch->count, 4);
  sched_batch_free(batch);
  assert_int_equal(b->pending, 0);
  for (int i = 0; i < 8; i++)
    free(f[i]);
  batcher_free(b);
  model_config_free(cfg);
}

static void delay_expiry_sends_what_is_there(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { preferred_batch_size: [ 4 ] "
                                           "max_queue_delay_microseconds: 1000 }");
  batcher *b = make(cfg);
  fake *f1 = fake_new(2, 2, 0, 0);
  add_ok(b, f1);
  uint64_t wake = 0;
  assert_null(batcher_form_locked(b, 0, &wake));
  assert_int_equal(wake, 1000 * 1000);
  sched_batch *batch = batcher_form_locked(b, 1000 * 1000, &wake);
  assert_non_null(batch);
  assert_int_equal(batch->count, 1);
  sched_batch_free(batch);
  free(f1);
  batcher_free(b);
  model_config_free(cfg);
}

static void max_batch_size_and_shapes_close_a_batch(void **state)
{
  (void)state;
  /* No delay: send at once; a request that would exceed max_batch_size (8) or has a
   * different width closes the batch. */
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { preferred_batch_size: [ 8 ] }");
  batcher *b = make(cfg);
  fake *a = fake_new(5, 2, 0, 0), *c = fake_new(4, 2, 0, 0), *d = fake_new(1, 3, 0, 0);
  add_ok(b, a);
  add_ok(b, c);
  add_ok(b, d);
  uint64_t wake = 0;
  sched_batch *batch = batcher_form_locked(b, 0, &wake);
  assert_int_equal(batch->count, 1); /* 5 + 4 > 8 */
  sched_batch_free(batch);
  batch = batcher_form_locked(b, 0, &wake);
  assert_int_equal(batch->count, 1); /* width 2 vs width 3: not batched together */
  assert_ptr_equal(batch->requests[0], &c->req);
  sched_batch_free(batch);
  batch = batcher_form_locked(b, 0, &wake);
  assert_int_equal(batch->count, 1);
  sched_batch_free(batch);
  free(a);
  free(c);
  free(d);
  batcher_free(b);
  model_config_free(cfg);
}

static void ragged_inputs_batch_together(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(
      "backend: \"identity\"\nmax_batch_size: 8\n"
      "input [ { name: \"IN\" data_type: TYPE_FP32 dims: [ -1 ] allow_ragged_batch: true } ]\n"
      "output [ { name: \"OUT\" data_type: TYPE_FP32 dims: [ -1 ] } ]\n"
      "dynamic_batching { preferred_batch_size: [ 2 ] }");
  batcher *b = make(cfg);
  fake *a = fake_new(1, 2, 0, 0), *c = fake_new(1, 7, 0, 0);
  add_ok(b, a);
  add_ok(b, c);
  uint64_t wake = 0;
  sched_batch *batch = batcher_form_locked(b, 0, &wake);
  assert_int_equal(batch->count, 2);
  sched_batch_free(batch);
  free(a);
  free(c);
  batcher_free(b);
  model_config_free(cfg);
}

static void higher_priority_is_served_first(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { preferred_batch_size: [ 1 ] "
                                           "priority_levels: 3 default_priority_level: 2 }");
  batcher *b = make(cfg);
  fake *low = fake_new(1, 2, 3, 0), *dflt = fake_new(1, 2, 0, 0), *high = fake_new(1, 2, 1, 0),
       *odd = fake_new(1, 2, 99, 0);
  add_ok(b, low);
  add_ok(b, dflt);
  add_ok(b, odd);
  add_ok(b, high);
  assert_int_equal(dflt->req.priority_level, 2);
  assert_int_equal(odd->req.priority_level, 2); /* out of range → default level */
  uint64_t wake = 0;
  fake *order[] = {high, dflt, odd, low};
  for (int i = 0; i < 4; i++) {
    sched_batch *batch = batcher_form_locked(b, 0, &wake);
    assert_non_null(batch);
    assert_ptr_equal(batch->requests[0], &order[i]->req);
    sched_batch_free(batch);
  }
  free(low);
  free(dflt);
  free(high);
  free(odd);
  batcher_free(b);
  model_config_free(cfg);
}

static void full_queue_rejects_with_clear_error(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { default_queue_policy { "
                                           "max_queue_size: 2 } }");
  batcher *b = make(cfg);
  fake *f[3];
  for (int i = 0; i < 3; i++)
    f[i] = fake_new(1, 2, 0, 0);
  add_ok(b, f[0]);
  add_ok(b, f[1]);
  TRITONSERVER_Error *err = batcher_add_locked(b, &f[2]->req);
  assert_non_null(err);
  assert_int_equal(TRITONSERVER_ErrorCode(err), TRITONSERVER_ERROR_UNAVAILABLE);
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(err), "Exceeds maximum queue size"));
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(err), "max_queue_size 2"));
  TRITONSERVER_ErrorDelete(err);
  assert_int_equal(b->pending, 2);
  for (int i = 0; i < 3; i++)
    free(f[i]);
  batcher_free(b);
  model_config_free(cfg);
}

static void timeouts_reject_or_delay(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(
      BASE_CONFIG "dynamic_batching { preferred_batch_size: [ 1 ] priority_levels: 2 "
                  "default_priority_level: 1 "
                  "priority_queue_policy { key: 1 value { timeout_action: REJECT "
                  "default_timeout_microseconds: 1000 } } "
                  "priority_queue_policy { key: 2 value { timeout_action: DELAY "
                  "default_timeout_microseconds: 1000 allow_timeout_override: true } } }");
  batcher *b = make(cfg);
  fake *rej = fake_new(1, 2, 1, 0), *del = fake_new(1, 2, 2, 0), *fresh = fake_new(1, 2, 2, 0);
  fresh->req.timeout_us = 500000; /* longer than the default: the override may only shorten */
  add_ok(b, rej);
  add_ok(b, del);
  assert_int_equal(rej->req.deadline_ns, 1000 * 1000);
  req_queue rejected = {0};
  batcher_expire_locked(b, 2 * MS, &rejected);
  fresh->req.queue_start_ns = 2 * MS;
  add_ok(b, fresh);
  assert_int_equal(fresh->req.deadline_ns, 3 * MS);
  assert_int_equal(rejected.count, 1);
  assert_ptr_equal(rejected.items[0], &rej->req);
  /* The delayed request now waits behind every non-expired one. */
  uint64_t wake = 0;
  sched_batch *batch = batcher_form_locked(b, 2 * MS, &wake);
  assert_ptr_equal(batch->requests[0], &fresh->req);
  sched_batch_free(batch);
  batch = batcher_form_locked(b, 2 * MS, &wake);
  assert_ptr_equal(batch->requests[0], &del->req);
  sched_batch_free(batch);
  assert_int_equal(b->pending, 0);
  free(rejected.items);
  free(rej);
  free(del);
  free(fresh);
  batcher_free(b);
  model_config_free(cfg);
}

static void bad_default_priority_level_is_an_error(void **state)
{
  (void)state;
  ModelConfig *cfg = config_of(BASE_CONFIG "dynamic_batching { priority_levels: 2 }");
  TRITONSERVER_Error *err = NULL;
  assert_null(batcher_new(cfg, "m", &err));
  assert_non_null(err);
  assert_non_null(strstr(TRITONSERVER_ErrorMessage(err), "default priority level"));
  TRITONSERVER_ErrorDelete(err);
  model_config_free(cfg);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(preferred_size_goes_at_once),
      cmocka_unit_test(delay_expiry_sends_what_is_there),
      cmocka_unit_test(max_batch_size_and_shapes_close_a_batch),
      cmocka_unit_test(ragged_inputs_batch_together),
      cmocka_unit_test(higher_priority_is_served_first),
      cmocka_unit_test(full_queue_rejects_with_clear_error),
      cmocka_unit_test(timeouts_reject_or_delay),
      cmocka_unit_test(bad_default_priority_level_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
