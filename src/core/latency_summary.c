/* latency_summary.c — count, sum and windowed exact quantiles of latencies (see
 * latency_summary.h). */
#include "latency_summary.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void latency_summary_init(latency_summary *s)
{
  memset(s, 0, sizeof(*s));
}

void latency_summary_observe(latency_summary *s, uint64_t now_ns, double value)
{
  s->count++;
  s->sum += value;
  s->at_ns[s->next] = now_ns;
  s->value[s->next] = value;
  s->next = (s->next + 1) % LATENCY_SUMMARY_CAPACITY;
  if (s->filled < LATENCY_SUMMARY_CAPACITY)
    s->filled++;
}

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void latency_summary_quantiles(const latency_summary *s, uint64_t now_ns, uint64_t max_age_ns,
                               const double *quantiles, size_t count, double *out)
{
  double window[LATENCY_SUMMARY_CAPACITY];
  size_t n = 0;
  for (size_t i = 0; i < s->filled; i++) {
    uint64_t at = s->at_ns[i];
    if (at <= now_ns && now_ns - at <= max_age_ns)
      window[n++] = s->value[i];
  }
  qsort(window, n, sizeof(double), compare_doubles);
  for (size_t q = 0; q < count; q++) {
    if (n == 0) {
      out[q] = NAN;
      continue;
    }
    /* Nearest rank: the smallest value with at least q * n observations at or below it. */
    double wanted = quantiles[q] * (double)n;
    size_t rank = (size_t)wanted;
    if ((double)rank < wanted)
      rank++; /* ceil without libm */
    size_t index = rank < 1 ? 0 : rank - 1;
    out[q] = window[index < n ? index : n - 1];
  }
}

size_t latency_summary_parse_quantiles(const char *text, double *quantiles, size_t capacity)
{
  static const double defaults[] = {0.5, 0.9, 0.95, 0.99, 0.999};
  if (text == NULL) {
    size_t n = capacity < 5 ? capacity : 5;
    memcpy(quantiles, defaults, n * sizeof(double));
    return n;
  }
  size_t n = 0;
  const char *p = text;
  for (;;) {
    char *end = NULL;
    errno = 0;
    double q = strtod(p, &end);
    if (end == p || *end != ':' || errno != 0 || !(q >= 0 && q <= 1) || n == capacity)
      return 0;
    p = end + 1;
    double error = strtod(p, &end);
    if (end == p || errno != 0 || !(error >= 0 && error <= 1))
      return 0;
    quantiles[n++] = q;
    if (*end == '\0')
      return n;
    if (*end != ',')
      return 0;
    p = end + 1;
  }
}
