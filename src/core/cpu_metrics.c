/* cpu_metrics.c — nv_cpu_* gauges from /proc (see cpu_metrics.h). */
#include "cpu_metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"

static pthread_mutex_t cpu_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  bool have_baseline;
  uint64_t idle, total;   /* jiffies at the last reading */
  uint64_t read_at_ns;    /* steady clock of the last reading */
  bool have_utilization;
  double utilization;
  bool have_memory;
  uint64_t memory_total, memory_used;
} cpu;

bool cpu_metrics_parse_stat(const char *text, uint64_t *idle, uint64_t *total)
{
  const char *line = strstr(text, "cpu ");
  if (line == NULL || (line != text && line[-1] != '\n'))
    return false;
  /* user nice system idle iowait irq softirq steal [guest guest_nice: already in user] */
  unsigned long long v[8] = {0};
  int n = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                 &v[3], &v[4], &v[5], &v[6], &v[7]);
  if (n < 4)
    return false;
  *idle = v[3] + v[4];
  *total = 0;
  for (int i = 0; i < 8; i++)
    *total += v[i];
  return true;
}

/* "<key>: <n> kB" → n * 1024. */
static bool meminfo_value(const char *text, const char *key, uint64_t *bytes)
{
  size_t key_len = strlen(key);
  for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, key_len) == 0 && line[key_len] == ':') {
      unsigned long long kb = 0;
      if (sscanf(line + key_len + 1, "%llu", &kb) != 1)
        return false;
      *bytes = (uint64_t)kb * 1024u;
      return true;
    }
  }
  return false;
}

bool cpu_metrics_parse_meminfo(const char *text, uint64_t *total_bytes, uint64_t *available_bytes)
{
  return meminfo_value(text, "MemTotal", total_bytes) &&
         meminfo_value(text, "MemAvailable", available_bytes);
}

/* Reads a small /proc file into buf (NUL-terminated); false if it cannot. */
static bool read_proc(const char *path, char *buf, size_t cap)
{
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return false;
  size_t n = fread(buf, 1, cap - 1, f);
  fclose(f);
  buf[n] = '\0';
  return n > 0;
}

/* Takes a reading; caller holds cpu_lock. */
static void read_now(uint64_t now_ns)
{
  char buf[8192];
  uint64_t idle = 0, total = 0;
  if (read_proc("/proc/stat", buf, sizeof(buf)) && cpu_metrics_parse_stat(buf, &idle, &total)) {
    if (cpu.have_baseline && total > cpu.total) {
      uint64_t d_total = total - cpu.total;
      uint64_t d_idle = idle > cpu.idle ? idle - cpu.idle : 0;
      cpu.utilization = d_idle >= d_total ? 0.0 : 1.0 - (double)d_idle / (double)d_total;
      cpu.have_utilization = true;
    } else if (cpu.have_baseline && !cpu.have_utilization) {
      cpu.utilization = 0.0; /* no tick since the baseline */
      cpu.have_utilization = true;
    }
    if (!cpu.have_baseline || total > cpu.total) {
      cpu.idle = idle;
      cpu.total = total;
    }
    cpu.have_baseline = true;
  }
  uint64_t mem_total = 0, mem_available = 0;
  if (read_proc("/proc/meminfo", buf, sizeof(buf)) &&
      cpu_metrics_parse_meminfo(buf, &mem_total, &mem_available)) {
    cpu.memory_total = mem_total;
    cpu.memory_used = mem_total > mem_available ? mem_total - mem_available : 0;
    cpu.have_memory = true;
  }
  cpu.read_at_ns = now_ns;
}

void cpu_metrics_start(void)
{
  pthread_mutex_lock(&cpu_lock);
  if (!cpu.have_baseline)
    read_now(util_now_ns());
  pthread_mutex_unlock(&cpu_lock);
}

void cpu_metrics_render(FILE *out, uint64_t interval_ms)
{
  pthread_mutex_lock(&cpu_lock);
  uint64_t now = util_now_ns();
  if (!cpu.have_baseline || !cpu.have_utilization ||
      now - cpu.read_at_ns >= interval_ms * 1000000ull)
    read_now(now);
  bool have_utilization = cpu.have_utilization, have_memory = cpu.have_memory;
  double utilization = cpu.utilization;
  uint64_t memory_total = cpu.memory_total, memory_used = cpu.memory_used;
  pthread_mutex_unlock(&cpu_lock);
  if (have_utilization)
    fprintf(out,
            "# HELP nv_cpu_utilization CPU utilization rate [0.0 - 1.0]\n"
            "# TYPE nv_cpu_utilization gauge\n"
            "nv_cpu_utilization %.6f\n",
            utilization);
  if (have_memory)
    fprintf(out,
            "# HELP nv_cpu_memory_total_bytes CPU total memory (RAM), in bytes\n"
            "# TYPE nv_cpu_memory_total_bytes gauge\n"
            "nv_cpu_memory_total_bytes %llu\n"
            "# HELP nv_cpu_memory_used_bytes CPU used memory (RAM), in bytes\n"
            "# TYPE nv_cpu_memory_used_bytes gauge\n"
            "nv_cpu_memory_used_bytes %llu\n",
            (unsigned long long)memory_total, (unsigned long long)memory_used);
}
