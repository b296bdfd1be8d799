/*
 * config_message.h — generic, schema-driven operations on config messages (init, clear,
 * deep copy, equality, emptiness, list and map insertion). Private to src/config.
 *
 * A "message" is any struct described by a MessageDesc (config_schema.h). All functions
 * take the descriptor plus a pointer to the struct.
 */
#ifndef TORCHD_CONFIG_MESSAGE_H
#define TORCHD_CONFIG_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "config_schema.h"

/* The in-memory shape of every repeated/map field. */
typedef struct GenericList {
  void *items;
  size_t count;
} GenericList;

/* Initializes *msg (uninitialized memory) to the proto3 defaults: zeros, strings "" (owned),
 * has-bits false. */
void msg_init(const MessageDesc *desc, void *msg);
/* Frees everything *msg owns (not msg itself); leaves it zeroed (strings NULL). */
void msg_clear(const MessageDesc *desc, void *msg);
/* Deep-copies src into dst (dst uninitialized). */
void msg_copy(const MessageDesc *desc, void *dst, const void *src);
/* Field-by-field equality, has-bits included; NaN equals NaN. */
bool msg_equal(const MessageDesc *desc, const void *a, const void *b);
/* True if every field holds its default and no message field is present. */
bool msg_is_empty(const MessageDesc *desc, const void *msg);

/* Field storage access. */
static inline void *field_ptr(void *msg, const FieldDesc *field) {
  return (char *)msg + field->offset;
}
static inline const void *field_cptr(const void *msg, const FieldDesc *field) {
  return (const char *)msg + field->offset;
}
/* Presence: message fields and oneof members use the has-bit; a message field without a
 * has-bit (map value) is always present; scalars without has-bit are "present" when not
 * default (not needed by callers, so returns true). */
bool field_present(const void *msg, const FieldDesc *field);
void field_set_present(void *msg, const FieldDesc *field, bool present);

GenericList list_get(const void *list_ptr);
void list_set(void *list_ptr, GenericList list);
/* Appends one zeroed element of `elem_size` bytes; returns a pointer to it (valid until
 * the next append). The list's items must be malloc'd (or NULL when count is 0). */
void *list_append(void *list_ptr, size_t elem_size);
/* Appends one element of repeated/map field `field` to the list at list_ptr, initialized
 * to its default (msg_init for messages, "" for strings, zero otherwise). */
void *list_append_default(const FieldDesc *field, void *list_ptr);
/* Removes the last element without freeing its contents (the caller moved them). */
void list_pop(void *list_ptr);

/* For a map field whose last element was just appended and filled: if an earlier entry
 * has the same key, the new entry replaces it (last wins); then the list is kept sorted
 * by key (strings bytewise, integers numerically). */
void map_settle_last(void *list_ptr, const MessageDesc *entry_desc);
/* Orders two map entries by key: <0, 0, >0. */
int map_entry_compare(const MessageDesc *entry_desc, const void *a, const void *b);

#endif /* TORCHD_CONFIG_MESSAGE_H */
