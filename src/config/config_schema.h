/*
 * config_schema.h — the schema table that drives every generic operation on ModelConfig.
 *
 * Each protobuf message of model_config.proto has a MessageDesc listing its fields in
 * declaration order (the order protobuf's JSON printer uses), each with its kind, label
 * (singular / repeated / map), where it lives in the C struct (offsetof), its has-bit if
 * it has one, and its oneof group. The text parser, the JSON reader and writer, clone,
 * free and equality all walk these tables, so adding a field means adding one struct
 * member in model_config.h and one line in config_schema.c.
 *
 * Storage rules the generic code relies on (asserted in config_schema.c):
 *  - FK_STRING: char* (never NULL once initialized by msg_init).
 *  - FK_ENUM: a C enum, which is int-sized (int32_t layout).
 *  - repeated / map: a `{ T *items; size_t count; }` pair; map entries are structs
 *    `{ K key; V value; }` described by an entry MessageDesc with fields 1 and 2.
 *  - has_offset: a bool, for message fields and oneof members; HAS_NONE otherwise.
 */
#ifndef TORCHD_CONFIG_SCHEMA_H
#define TORCHD_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum FieldKind {
  FK_STRING,
  FK_BOOL,
  FK_INT32,
  FK_INT64,
  FK_UINT32,
  FK_UINT64,
  FK_FLOAT,
  FK_DOUBLE,
  FK_ENUM,
  FK_MESSAGE
} FieldKind;

typedef enum FieldLabel { FL_SINGULAR, FL_REPEATED, FL_MAP } FieldLabel;

typedef struct EnumValueDesc {
  const char *name;
  int32_t number;
} EnumValueDesc;

typedef struct EnumDesc {
  const char *name;
  const EnumValueDesc *values;
  size_t value_count;
} EnumDesc;

struct MessageDesc;

#define HAS_NONE ((size_t)-1)

typedef struct FieldDesc {
  const char *name; /* proto field name (snake_case) */
  FieldKind kind;
  FieldLabel label;
  size_t offset;     /* value, or the {items,count} list for repeated/map */
  size_t has_offset; /* bool has-bit, or HAS_NONE */
  const char *oneof; /* oneof name, or NULL */
  const struct MessageDesc *message; /* FK_MESSAGE element type, or the map entry type */
  const EnumDesc *enum_desc;         /* FK_ENUM */
} FieldDesc;

typedef struct MessageDesc {
  const char *name; /* full proto name, e.g. "inference.ModelInput" */
  size_t size;      /* sizeof the C struct */
  const FieldDesc *fields;
  size_t field_count;
  bool is_map_entry;
} MessageDesc;

extern const MessageDesc model_config_desc;
extern const EnumDesc data_type_enum_desc;
extern const EnumDesc instance_kind_enum_desc;
/* The ModelInstanceGroup message (the normalizer creates groups). */
const MessageDesc *schema_instance_group_desc(void);

/* Finds a field by proto name (exact) in `desc`; NULL if none. */
const FieldDesc *schema_find_field(const MessageDesc *desc, const char *name, size_t len);
/* Finds a field by proto name or lowerCamelCase JSON name; NULL if none. */
const FieldDesc *schema_find_json_field(const MessageDesc *desc, const char *name);
/* Enum name for a value, or NULL if the value is not declared. */
const char *schema_enum_name(const EnumDesc *desc, int32_t value);
/* Looks up an enum value by its (case-sensitive) name. */
bool schema_enum_value(const EnumDesc *desc, const char *name, size_t len, int32_t *value);

/* Byte size of one element of a repeated field of this kind. */
size_t schema_element_size(const FieldDesc *field);

#endif /* TORCHD_CONFIG_SCHEMA_H */
