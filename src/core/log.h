/* log.h — the core's logger, shared by every core module and by TRITONSERVER_LogMessage.
 *
 * Lines use Triton's format so tools and people that read Triton logs read ours:
 *   I1126 07:42:21.123456 1234 file.c:123] message        (default format, UTC)
 *   2026-11-26T07:42:21Z I 1234 file.c:123] message       (ISO8601 format)
 * The first letter is the level: I (info and verbose), W (warning), E (error); then
 * the process id, the source file's base name and line. Output goes to stderr, or to
 * the log file once one is set. All settings may change at any time from any thread. */
#ifndef TORCHD_CORE_LOG_H
#define TORCHD_CORE_LOG_H

#include <stdbool.h>

#include "triton/core/tritonserver.h"

/* Writes one line at 'level' if that level is enabled (VERBOSE: verbose level >= 1).
 * 'file' may be a path (only its base name is printed) or NULL. A trailing newline in
 * the message is not doubled. */
void core_log(TRITONSERVER_LogLevel level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Like core_log at VERBOSE, but only when the verbose level is >= 'verbose_level'. */
void core_log_verbose(int verbose_level, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define CORE_LOG_INFO(...) core_log(TRITONSERVER_LOG_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define CORE_LOG_WARN(...) core_log(TRITONSERVER_LOG_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define CORE_LOG_ERROR(...) core_log(TRITONSERVER_LOG_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define CORE_LOG_VERBOSE(verbose_level, ...)                                                       \
  core_log_verbose((verbose_level), __FILE__, __LINE__, __VA_ARGS__)

/* True when a line at 'level' would be written (same as TRITONSERVER_LogIsEnabled). */
bool core_log_is_enabled(TRITONSERVER_LogLevel level);

/* Settings. Info, warning and error are on by default; verbose level 0 (off). */
void core_log_set_info(bool enabled);
void core_log_set_warn(bool enabled);
void core_log_set_error(bool enabled);
void core_log_set_verbose(int verbose_level);
int core_log_verbose_level(void);
void core_log_set_format(TRITONSERVER_LogFormat format);

/* Sends output to 'path' (opened for appending), or back to stderr when 'path' is NULL
 * or "". On failure the output is unchanged and a new error (caller owns) names the
 * path and the reason. */
TRITONSERVER_Error *core_log_set_file(const char *path);

#endif
