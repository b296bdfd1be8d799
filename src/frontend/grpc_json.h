/*
 * grpc_json.h — fill a protobuf-c message from the JSON the core API returns.
 *
 * Why: the core answers metadata, model configuration, statistics and the repository
 * index as JSON (TRITONSERVER_Message), with the protobuf field names as keys — Triton's
 * own JSON is the protobuf JSON mapping of the same messages. One converter driven by
 * protobuf-c's descriptors turns any of them into the gRPC response message, so no
 * message needs hand-written conversion code and a new config field costs nothing.
 *
 * Mapping: object keys are field names (unknown keys are skipped, as protobuf's JSON
 * parser does with ignore_unknown_fields); a JSON object for a map field becomes its
 * entries; integers may come as JSON numbers or decimal strings (64-bit); enums as their
 * value name or number; a member of a oneof sets the oneof's case.
 */
#ifndef TORCHD_FRONTEND_GRPC_JSON_H
#define TORCHD_FRONTEND_GRPC_JSON_H

#include <json-c/json.h>
#include <protobuf-c/protobuf-c.h>

/*
 * Allocate and fill a message of type `descriptor` from the JSON object `json`. On
 * success returns the message (free with protobuf_c_message_free_unpacked(msg, NULL));
 * on a value of the wrong kind returns NULL and sets *error (malloc'd) naming the field.
 */
ProtobufCMessage *grpc_json_to_message(const ProtobufCMessageDescriptor *descriptor,
                                       json_object *json, char **error);

/* The same from JSON text (`size` bytes). */
ProtobufCMessage *grpc_json_text_to_message(const ProtobufCMessageDescriptor *descriptor,
                                            const char *text, size_t size, char **error);

#endif
