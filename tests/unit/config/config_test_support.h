/*
 * config_test_support.h — helpers shared by the config unit tests: reading files, parsing a
 * string literal config, and building throwaway directory trees under /tmp.
 */
#ifndef TORCHD_CONFIG_TEST_SUPPORT_H
#define TORCHD_CONFIG_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model_config.h"

/* Reads a whole file; NULL if it cannot be read. Caller frees. */
char *ts_read_file(const char *path, size_t *len);
/* Writes `text` to `path`, creating parent directories. Asserts success. */
void ts_write_file(const char *path, const char *text);
/* mkdir -p. Asserts success. */
void ts_mkdirs(const char *path);
/* A fresh empty directory under /tmp; caller frees the path (after ts_remove_tree). */
char *ts_temp_dir(void);
/* rm -rf of a tree created by these helpers. */
void ts_remove_tree(const char *path);

/* Parses `text` (NUL-terminated) with file name "config.pbtxt"; asserts success. */
ModelConfig *ts_parse_ok(const char *text);
/* Parses `text`, asserts failure, returns the error (caller frees). */
char *ts_parse_error(const char *text);
/* Sorted names of regular files in `dir` ending with `suffix`; returns the count.
 * Caller frees each name and the array. */
size_t ts_list_files(const char *dir, const char *suffix, char ***names);

#endif /* TORCHD_CONFIG_TEST_SUPPORT_H */
