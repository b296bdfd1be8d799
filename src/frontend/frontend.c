/* frontend.c — shared frontend state helpers: the per-model pending counters. */
#include "frontend.h"

#include <stdio.h>
#include <string.h>

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
