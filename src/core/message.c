/* message.c — TRITONSERVER_Message: a container for serialized JSON text.
 *
 * The API hands JSON across its boundaries as messages (metadata, configs, statistics,
 * backend and host-policy configs). A message owns one NUL-terminated copy of the
 * text; TRITONSERVER_MessageSerializeToJson lends it out without copying. Messages
 * from outside are checked to be one valid JSON value, so consumers can trust them. */
#include "message.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct TRITONSERVER_Message {
  char *json;       /* owned, NUL-terminated */
  size_t byte_size; /* without the NUL */
};

TRITONSERVER_Error *message_new_take(TRITONSERVER_Message **message, char *json, size_t byte_size)
{
  if (message == NULL || json == NULL) {
    free(json);
    return TRITONSERVER_ErrorNew(
        TRITONSERVER_ERROR_INVALID_ARG,
        "message_new_take: expected a message pointer and JSON text, got NULL");
  }
  TRITONSERVER_Message *created = malloc(sizeof(*created));
  if (created == NULL) {
    free(json);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory creating a message");
  }
  created->json = json;
  created->byte_size = byte_size;
  *message = created;
  return NULL;
}

TRITONSERVER_Error *message_new_from_json_object(TRITONSERVER_Message **message,
                                                 struct json_object *object)
{
  size_t length = 0;
  const char *text = json_object_to_json_string_length(object, JSON_C_TO_STRING_PLAIN, &length);
  char *copy = text != NULL ? strndup(text, length) : NULL;
  if (copy == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory serializing JSON");
  return message_new_take(message, copy, length);
}

/* Makes a message from a copy of the 'byte_size' bytes at 'base', which must hold
 * exactly one JSON value. The caller owns *message. */
TRITONSERVER_Error *TRITONSERVER_MessageNewFromSerializedJson(TRITONSERVER_Message **message,
                                                              const char *base, size_t byte_size)
{
  if (message == NULL || (base == NULL && byte_size > 0))
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                 "TRITONSERVER_MessageNewFromSerializedJson: expected a message "
                                 "pointer and JSON text, got NULL");
  if (byte_size > (size_t)INT32_MAX)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                 "TRITONSERVER_MessageNewFromSerializedJson: JSON text larger "
                                 "than 2 GiB is not supported");

  json_tokener *tokener = json_tokener_new();
  if (tokener == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory parsing JSON");
  json_object *parsed = json_tokener_parse_ex(tokener, base != NULL ? base : "", (int)byte_size);
  enum json_tokener_error status = json_tokener_get_error(tokener);
  size_t consumed = json_tokener_get_parse_end(tokener);
  json_tokener_free(tokener);
  json_object_put(parsed);
  /* Anything but whitespace after the value is an error too. */
  bool trailing = false;
  for (size_t i = consumed; status == json_tokener_success && i < byte_size; i++)
    trailing = trailing || strchr(" \t\r\n", base[i]) == NULL;
  if (status != json_tokener_success || trailing) {
    char text[256];
    snprintf(text, sizeof(text),
             "failed to parse the message as JSON: expected one JSON value, got %s at "
             "offset %zu",
             status == json_tokener_continue ? "unexpected end of text"
             : trailing                      ? "trailing characters"
                                             : json_tokener_error_desc(status),
             consumed);
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG, text);
  }

  char *copy = malloc(byte_size + 1);
  if (copy == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INTERNAL, "out of memory creating a message");
  memcpy(copy, base, byte_size);
  copy[byte_size] = '\0';
  return message_new_take(message, copy, byte_size);
}

/* Frees the message and its text. NULL is allowed. */
TRITONSERVER_Error *TRITONSERVER_MessageDelete(TRITONSERVER_Message *message)
{
  if (message != NULL) {
    free(message->json);
    free(message);
  }
  return NULL;
}

/* Lends out the text: *base is owned by the message, valid until it is deleted, and
 * NUL-terminated (the NUL is not counted in *byte_size). */
TRITONSERVER_Error *TRITONSERVER_MessageSerializeToJson(TRITONSERVER_Message *message,
                                                        const char **base, size_t *byte_size)
{
  if (message == NULL || base == NULL || byte_size == NULL)
    return TRITONSERVER_ErrorNew(TRITONSERVER_ERROR_INVALID_ARG,
                                 "TRITONSERVER_MessageSerializeToJson: expected a message, a "
                                 "base pointer and a size pointer, got NULL");
  *base = message->json;
  *byte_size = message->byte_size;
  return NULL;
}
