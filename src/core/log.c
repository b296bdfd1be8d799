/* log.c — the core's logger (see log.h for the line format) and Triton's two public
 * logging functions, TRITONSERVER_LogIsEnabled and TRITONSERVER_LogMessage.
 *
 * Settings are atomics so any thread may log while another changes them; the output
 * stream is guarded by one mutex so lines never interleave. */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_bool log_info = true;
static atomic_bool log_warn = true;
static atomic_bool log_error = true;
static atomic_int log_verbose = 0;
static atomic_int log_format = TRITONSERVER_LOG_DEFAULT;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file = NULL; /* NULL: stderr. Guarded by log_lock. */

bool core_log_is_enabled(TRITONSERVER_LogLevel level)
{
  switch (level) {
  case TRITONSERVER_LOG_INFO: return atomic_load(&log_info);
  case TRITONSERVER_LOG_WARN: return atomic_load(&log_warn);
  case TRITONSERVER_LOG_ERROR: return atomic_load(&log_error);
  case TRITONSERVER_LOG_VERBOSE: return atomic_load(&log_verbose) >= 1;
  default: return false;
  }
}

void core_log_set_info(bool enabled)
{
  atomic_store(&log_info, enabled);
}
void core_log_set_warn(bool enabled)
{
  atomic_store(&log_warn, enabled);
}
void core_log_set_error(bool enabled)
{
  atomic_store(&log_error, enabled);
}
void core_log_set_verbose(int verbose_level)
{
  atomic_store(&log_verbose, verbose_level);
}
int core_log_verbose_level(void)
{
  return atomic_load(&log_verbose);
}
void core_log_set_format(TRITONSERVER_LogFormat format)
{
  atomic_store(&log_format, (int)format);
}

TRITONSERVER_Error *core_log_set_file(const char *path)
{
  FILE *opened = NULL;
  if (path != NULL && path[0] != '\0') {
    opened = fopen(path, "a");
    if (opened == NULL) {
      char message[512];
      snprintf(message, sizeof(message), "failed to open log file '%s': %s", path, strerror(errno));
      return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, message);
    }
  }
  pthread_mutex_lock(&log_lock);
  FILE *previous = log_file;
  log_file = opened;
  pthread_mutex_unlock(&log_lock);
  if (previous != NULL)
    fclose(previous);
  return NULL;
}

static char level_letter(TRITONSERVER_LogLevel level)
{
  switch (level) {
  case TRITONSERVER_LOG_WARN: return 'W';
  case TRITONSERVER_LOG_ERROR: return 'E';
  default: return 'I'; /* Triton prints verbose lines as info lines */
  }
}

static const char *base_name(const char *file)
{
  if (file == NULL)
    return "";
  const char *slash = strrchr(file, '/');
  return slash != NULL ? slash + 1 : file;
}

/* Writes the line prefix for 'level' into 'buf' (always NUL-terminated). */
static void format_prefix(char *buf, size_t size, TRITONSERVER_LogLevel level, const char *file,
                          int line)
{
  struct timeval now;
  gettimeofday(&now, NULL);
  struct tm tm_time;
  time_t seconds = now.tv_sec;
  gmtime_r(&seconds, &tm_time);
  if (atomic_load(&log_format) == TRITONSERVER_LOG_ISO8601) {
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ %c %d %s:%d] ", tm_time.tm_year + 1900,
             tm_time.tm_mon + 1, tm_time.tm_mday, tm_time.tm_hour, tm_time.tm_min, tm_time.tm_sec,
             level_letter(level), (int)getpid(), base_name(file), line);
  } else {
    snprintf(buf, size, "%c%02d%02d %02d:%02d:%02d.%06ld %d %s:%d] ", level_letter(level),
             tm_time.tm_mon + 1, tm_time.tm_mday, tm_time.tm_hour, tm_time.tm_min, tm_time.tm_sec,
             (long)now.tv_usec, (int)getpid(), base_name(file), line);
  }
}

/* Writes prefix + message + newline as one write under the lock. */
static void write_line(TRITONSERVER_LogLevel level, const char *file, int line, const char *message)
{
  char prefix[256];
  format_prefix(prefix, sizeof(prefix), level, file, line);
  size_t length = strlen(message);
  while (length > 0 && message[length - 1] == '\n')
    length--;
  pthread_mutex_lock(&log_lock);
  FILE *out = log_file != NULL ? log_file : stderr;
  fprintf(out, "%s%.*s\n", prefix, (int)length, message);
  fflush(out);
  pthread_mutex_unlock(&log_lock);
}

static void vlog(TRITONSERVER_LogLevel level, const char *file, int line, const char *fmt,
                 va_list ap)
{
  char *message = NULL;
  if (vasprintf(&message, fmt, ap) < 0)
    return;
  write_line(level, file, line, message);
  free(message);
}

void core_log(TRITONSERVER_LogLevel level, const char *file, int line, const char *fmt, ...)
{
  if (!core_log_is_enabled(level))
    return;
  va_list ap;
  va_start(ap, fmt);
  vlog(level, file, line, fmt, ap);
  va_end(ap);
}

void core_log_verbose(int verbose_level, const char *file, int line, const char *fmt, ...)
{
  if (atomic_load(&log_verbose) < verbose_level)
    return;
  va_list ap;
  va_start(ap, fmt);
  vlog(TRITONSERVER_LOG_VERBOSE, file, line, fmt, ap);
  va_end(ap);
}

bool TRITONSERVER_LogIsEnabled(TRITONSERVER_LogLevel level)
{
  return core_log_is_enabled(level);
}

/* Writes 'msg' (NULL: "") at 'level' when enabled. Always succeeds (returns NULL). */
TRITONSERVER_Error *TRITONSERVER_LogMessage(TRITONSERVER_LogLevel level, const char *filename,
                                            const int line, const char *msg)
{
  if (core_log_is_enabled(level))
    write_line(level, filename, line, msg != NULL ? msg : "");
  return NULL;
}
