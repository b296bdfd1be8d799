/*
 * config_message.c — schema-driven init/clear/copy/equality for config messages.
 *
 * Every operation is a walk over a MessageDesc's fields; the switch over FieldKind is the
 * only place that knows how each kind is stored (see config_schema.h).
 */
#include "config_message.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config_alloc.h"

GenericList list_get(const void *list_ptr) {
  GenericList list;
  memcpy(&list, list_ptr, sizeof list);
  return list;
}

void list_set(void *list_ptr, GenericList list) { memcpy(list_ptr, &list, sizeof list); }

void *list_append(void *list_ptr, size_t elem_size) {
  GenericList list = list_get(list_ptr);
  /* Exact-size realloc: lists may come from callers who malloc'd exactly `count` items,
   * so no hidden capacity is assumed. Configs are small; realloc usually grows in place. */
  list.items = cfg_realloc(list.items, (list.count + 1) * elem_size);
  void *elem = (char *)list.items + list.count * elem_size;
  memset(elem, 0, elem_size);
  list.count++;
  list_set(list_ptr, list);
  return elem;
}

void list_pop(void *list_ptr) {
  GenericList list = list_get(list_ptr);
  if (list.count > 0) {
    list.count--;
    if (list.count == 0) {
      free(list.items);
      list.items = NULL;
    }
  }
  list_set(list_ptr, list);
}

bool field_present(const void *msg, const FieldDesc *field) {
  if (field->has_offset == HAS_NONE) {
    return true;
  }
  bool has;
  memcpy(&has, (const char *)msg + field->has_offset, sizeof has);
  return has;
}

void field_set_present(void *msg, const FieldDesc *field, bool present) {
  if (field->has_offset != HAS_NONE) {
    memcpy((char *)msg + field->has_offset, &present, sizeof present);
  }
}

/* ---- per-element operations ------------------------------------------------------- */

static void elem_init(const FieldDesc *field, void *elem) {
  if (field->kind == FK_MESSAGE) {
    msg_init(field->message, elem);
  } else if (field->kind == FK_STRING) {
    char *empty = cfg_strdup("");
    memcpy(elem, &empty, sizeof empty);
  } else {
    memset(elem, 0, schema_element_size(field));
  }
}

static void elem_clear(const FieldDesc *field, void *elem) {
  if (field->kind == FK_MESSAGE) {
    msg_clear(field->message, elem);
  } else if (field->kind == FK_STRING) {
    char *s;
    memcpy(&s, elem, sizeof s);
    free(s);
    s = NULL;
    memcpy(elem, &s, sizeof s);
  }
}

static void elem_copy(const FieldDesc *field, void *dst, const void *src) {
  if (field->kind == FK_MESSAGE) {
    msg_copy(field->message, dst, src);
  } else if (field->kind == FK_STRING) {
    char *s;
    memcpy(&s, src, sizeof s);
    char *copy = cfg_strdup(s ? s : "");
    memcpy(dst, &copy, sizeof copy);
  } else {
    memcpy(dst, src, schema_element_size(field));
  }
}

static bool elem_equal(const FieldDesc *field, const void *a, const void *b) {
  switch (field->kind) {
    case FK_MESSAGE:
      return msg_equal(field->message, a, b);
    case FK_STRING: {
      const char *sa, *sb;
      memcpy(&sa, a, sizeof sa);
      memcpy(&sb, b, sizeof sb);
      return strcmp(sa ? sa : "", sb ? sb : "") == 0;
    }
    case FK_FLOAT: {
      float fa, fb;
      memcpy(&fa, a, sizeof fa);
      memcpy(&fb, b, sizeof fb);
      return (isnan(fa) && isnan(fb)) || fa == fb;
    }
    case FK_DOUBLE: {
      double da, db;
      memcpy(&da, a, sizeof da);
      memcpy(&db, b, sizeof db);
      return (isnan(da) && isnan(db)) || da == db;
    }
    case FK_BOOL: {
      bool ba, bb;
      memcpy(&ba, a, sizeof ba);
      memcpy(&bb, b, sizeof bb);
      return ba == bb;
    }
    default:
      return memcmp(a, b, schema_element_size(field)) == 0;
  }
}

static bool elem_is_default(const FieldDesc *field, const void *elem) {
  switch (field->kind) {
    case FK_MESSAGE:
      return msg_is_empty(field->message, elem);
    case FK_STRING: {
      const char *s;
      memcpy(&s, elem, sizeof s);
      return s == NULL || s[0] == '\0';
    }
    case FK_BOOL: {
      bool b;
      memcpy(&b, elem, sizeof b);
      return !b;
    }
    case FK_FLOAT: {
      float f;
      memcpy(&f, elem, sizeof f);
      return f == 0.0f && !signbit(f);
    }
    case FK_DOUBLE: {
      double d;
      memcpy(&d, elem, sizeof d);
      return d == 0.0 && !signbit(d);
    }
    default: {
      static const unsigned char zeros[8] = {0};
      return memcmp(elem, zeros, schema_element_size(field)) == 0;
    }
  }
}

void *list_append_default(const FieldDesc *field, void *list_ptr) {
  void *elem = list_append(list_ptr, schema_element_size(field));
  elem_init(field, elem);
  return elem;
}

/* ---- whole messages ----------------------------------------------------------------- */

void msg_init(const MessageDesc *desc, void *msg) {
  memset(msg, 0, desc->size);
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    if (field->label == FL_SINGULAR) {
      elem_init(field, field_ptr(msg, field));
    }
  }
}

void msg_clear(const MessageDesc *desc, void *msg) {
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    void *ptr = field_ptr(msg, field);
    if (field->label == FL_SINGULAR) {
      elem_clear(field, ptr);
      continue;
    }
    GenericList list = list_get(ptr);
    size_t size = schema_element_size(field);
    for (size_t k = 0; k < list.count; k++) {
      elem_clear(field, (char *)list.items + k * size);
    }
    free(list.items);
  }
  memset(msg, 0, desc->size);
}

void msg_copy(const MessageDesc *desc, void *dst, const void *src) {
  memcpy(dst, src, desc->size); /* scalars and has-bits; owned pointers replaced below */
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    void *dptr = field_ptr(dst, field);
    const void *sptr = field_cptr(src, field);
    if (field->label == FL_SINGULAR) {
      elem_copy(field, dptr, sptr);
      continue;
    }
    GenericList from = list_get(sptr);
    GenericList to = {NULL, 0};
    list_set(dptr, to);
    size_t size = schema_element_size(field);
    for (size_t k = 0; k < from.count; k++) {
      void *elem = list_append(dptr, size);
      elem_copy(field, elem, (const char *)from.items + k * size);
    }
  }
}

bool msg_equal(const MessageDesc *desc, const void *a, const void *b) {
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    if (field_present(a, field) != field_present(b, field)) {
      return false;
    }
    const void *pa = field_cptr(a, field);
    const void *pb = field_cptr(b, field);
    if (field->label == FL_SINGULAR) {
      if (!elem_equal(field, pa, pb)) {
        return false;
      }
      continue;
    }
    GenericList la = list_get(pa);
    GenericList lb = list_get(pb);
    if (la.count != lb.count) {
      return false;
    }
    size_t size = schema_element_size(field);
    for (size_t k = 0; k < la.count; k++) {
      if (!elem_equal(field, (const char *)la.items + k * size,
                      (const char *)lb.items + k * size)) {
        return false;
      }
    }
  }
  return true;
}

bool msg_is_empty(const MessageDesc *desc, const void *msg) {
  for (size_t i = 0; i < desc->field_count; i++) {
    const FieldDesc *field = &desc->fields[i];
    const void *ptr = field_cptr(msg, field);
    if (field->label != FL_SINGULAR) {
      if (list_get(ptr).count != 0) {
        return false;
      }
    } else if (field->has_offset != HAS_NONE) {
      if (field_present(msg, field)) {
        return false;
      }
    } else if (!elem_is_default(field, ptr)) {
      return false;
    }
  }
  return true;
}

/* ---- maps ---------------------------------------------------------------------------- */

/* Compares two map entries by key: <0, 0, >0. */
static int key_compare(const FieldDesc *key_field, const void *a, const void *b) {
  const void *ka = field_cptr(a, key_field);
  const void *kb = field_cptr(b, key_field);
  switch (key_field->kind) {
    case FK_STRING: {
      const char *sa, *sb;
      memcpy(&sa, ka, sizeof sa);
      memcpy(&sb, kb, sizeof sb);
      return strcmp(sa, sb);
    }
    case FK_UINT64: {
      uint64_t ua, ub;
      memcpy(&ua, ka, sizeof ua);
      memcpy(&ub, kb, sizeof ub);
      return ua < ub ? -1 : ua > ub;
    }
    case FK_INT64: {
      int64_t ia, ib;
      memcpy(&ia, ka, sizeof ia);
      memcpy(&ib, kb, sizeof ib);
      return ia < ib ? -1 : ia > ib;
    }
    case FK_UINT32: {
      uint32_t ua, ub;
      memcpy(&ua, ka, sizeof ua);
      memcpy(&ub, kb, sizeof ub);
      return ua < ub ? -1 : ua > ub;
    }
    case FK_INT32: {
      int32_t ia, ib;
      memcpy(&ia, ka, sizeof ia);
      memcpy(&ib, kb, sizeof ib);
      return ia < ib ? -1 : ia > ib;
    }
    case FK_BOOL: {
      bool ba, bb;
      memcpy(&ba, ka, sizeof ba);
      memcpy(&bb, kb, sizeof bb);
      return (int)ba - (int)bb;
    }
    default:
      return 0;
  }
}

int map_entry_compare(const MessageDesc *entry_desc, const void *a, const void *b) {
  return key_compare(&entry_desc->fields[0], a, b);
}

void map_settle_last(void *list_ptr, const MessageDesc *entry_desc) {
  GenericList list = list_get(list_ptr);
  if (list.count < 2) {
    return;
  }
  const FieldDesc *key_field = &entry_desc->fields[0];
  size_t size = entry_desc->size;
  char *items = list.items;
  char *last = items + (list.count - 1) * size;
  /* The list before `last` is sorted with unique keys: find the insertion point. */
  size_t pos = 0;
  while (pos < list.count - 1 && key_compare(key_field, items + pos * size, last) < 0) {
    pos++;
  }
  if (pos < list.count - 1 && key_compare(key_field, items + pos * size, last) == 0) {
    msg_clear(entry_desc, items + pos * size); /* last duplicate wins */
    memcpy(items + pos * size, last, size);
    list_pop(list_ptr);
    return;
  }
  if (pos == list.count - 1) {
    return;
  }
  unsigned char *tmp = cfg_malloc(size);
  memcpy(tmp, last, size);
  memmove(items + (pos + 1) * size, items + pos * size, (list.count - 1 - pos) * size);
  memcpy(items + pos * size, tmp, size);
  free(tmp);
}
