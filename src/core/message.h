/* message.h — private helpers to build TRITONSERVER_Message objects inside the core
 * (server metadata, model config, statistics, index...), without a parse round trip. */
#ifndef TORCHD_CORE_MESSAGE_H
#define TORCHD_CORE_MESSAGE_H

#include <stddef.h>

#include "triton/core/tritonserver.h"

struct json_object;

/* Makes a message that takes ownership of 'json', a malloc'ed NUL-terminated JSON text
 * of 'byte_size' bytes (not counting the NUL), which the caller guarantees is valid
 * JSON. The caller owns *message. On error 'json' is freed and a new error returned. */
TRITONSERVER_Error *message_new_take(TRITONSERVER_Message **message, char *json, size_t byte_size);

/* Makes a message holding the compact serialization of 'object' (not consumed: the
 * caller keeps its reference). The caller owns *message. */
TRITONSERVER_Error *message_new_from_json_object(TRITONSERVER_Message **message,
                                                 struct json_object *object);

#endif
