/* frontend.c — shared frontend state: its set-up, the clients-waiting query and the
 * per-model pending counters. */
#include "frontend.h"

#include "infer_core.h"
#include "torchd/torchd_server.h"

#include <stdio.h>
#include <string.h>

TRITONSERVER_Error *frontend_init(frontend *fe, TRITONSERVER_Server *server,
                                  const cli_options *options) {
  fe->server = server;
  fe->options = options;
  pthread_mutex_init(&fe->lock, NULL);
  shm_registry_init(&fe->shm);
  fe->log = (log_settings){options->log_info, options->log_warning, options->log_error,
                           options->log_verbose, options->log_format};
  trace_settings_defaults(&fe->trace);
  trace_settings_from_cli(&fe->trace, &options->trace);
  if (options->http_header_forward_pattern != NULL) {
    if (regcomp(&fe->header_forward, options->http_header_forward_pattern,
                REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
      return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                   "--http-header-forward-pattern is not a valid regular "
                                   "expression");
    fe->header_forward_set = true;
  }
  atomic_init(&fe->draining, false);
  atomic_init(&fe->live_infers, 0);
  atomic_init(&fe->suspended, 0);
  atomic_init(&fe->open_connections, 0);
  atomic_init(&fe->waiting_infers, 0);
  pthread_mutex_init(&fe->calls_lock, NULL);
  fe->calls = NULL;
  if (options->close_batches_early) {
    TRITONSERVER_Error *err =
        TORCHD_ServerSetClientsWaitingQuery(server, frontend_clients_all_waiting, fe);
    if (err != NULL) return err;
  }
  return infer_allocator_new(&fe->allocator);
}

/* Copies `value` into a fixed setting slot when it was given and fits. */
static void set_slot(char *slot, size_t cap, const char *value) {
  if (value != NULL && strlen(value) < cap) snprintf(slot, cap, "%s", value);
}

void trace_settings_from_cli(trace_settings *t, const cli_trace *given) {
  set_slot(t->trace_level, sizeof(t->trace_level), given->level);
  set_slot(t->trace_rate, sizeof(t->trace_rate), given->rate);
  set_slot(t->trace_count, sizeof(t->trace_count), given->count);
  set_slot(t->log_frequency, sizeof(t->log_frequency), given->log_frequency);
  set_slot(t->trace_file, sizeof(t->trace_file), given->file);
  set_slot(t->trace_mode, sizeof(t->trace_mode), given->mode);
}

bool frontend_clients_all_waiting(void *userp) {
  frontend *fe = userp;
  long open = atomic_load(&fe->open_connections);
  return open > 0 && atomic_load(&fe->waiting_infers) >= open;
}

void frontend_pending_add(frontend *fe, const char *model, int delta) {
  atomic_fetch_add(&fe->waiting_infers, delta);
  pthread_mutex_lock(&fe->lock);
  pending_counter *free_slot = NULL;
  for (size_t i = 0; i < PENDING_SLOTS; ++i) {
    pending_counter *c = &fe->pending[i];
    if (c->model[0] != '\0' && strcmp(c->model, model) == 0) {
      c->count = delta < 0 && c->count == 0 ? 0 : c->count + (uint64_t)(int64_t)delta;
      pthread_mutex_unlock(&fe->lock);
      return;
    }
    if (c->model[0] == '\0' && free_slot == NULL) free_slot = c;
  }
  /* A model name longer than the slot, or more than PENDING_SLOTS models, is not
   * counted: the gauge then reads 0 for it. */
  if (free_slot != NULL && delta > 0 && strlen(model) < sizeof(free_slot->model)) {
    snprintf(free_slot->model, sizeof(free_slot->model), "%s", model);
    free_slot->count = (uint64_t)delta;
  }
  pthread_mutex_unlock(&fe->lock);
}

uint64_t frontend_pending_get(frontend *fe, const char *model) {
  uint64_t count = 0;
  pthread_mutex_lock(&fe->lock);
  for (size_t i = 0; i < PENDING_SLOTS; ++i)
    if (fe->pending[i].model[0] != '\0' && strcmp(fe->pending[i].model, model) == 0)
      count = fe->pending[i].count;
  pthread_mutex_unlock(&fe->lock);
  return count;
}
