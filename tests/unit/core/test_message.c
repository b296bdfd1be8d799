/* test_message.c — TRITONSERVER_Message: JSON validation, copying, serialization. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"

static void round_trips_json_text(void **state)
{
  (void)state;
  char text[] = "{\"name\":\"m\",\"versions\":[\"1\"]}";
  TRITONSERVER_Message *message = NULL;
  assert_null(TRITONSERVER_MessageNewFromSerializedJson(&message, text, strlen(text)));
  text[2] = 'X'; /* the message owns a copy */
  const char *base = NULL;
  size_t size = 0;
  assert_null(TRITONSERVER_MessageSerializeToJson(message, &base, &size));
  assert_int_equal(size, strlen("{\"name\":\"m\",\"versions\":[\"1\"]}"));
  assert_string_equal(base, "{\"name\":\"m\",\"versions\":[\"1\"]}");
  assert_null(TRITONSERVER_MessageDelete(message));
}

static void accepts_a_length_limited_slice(void **state)
{
  (void)state;
  const char *text = "{\"a\":1}garbage";
  TRITONSERVER_Message *message = NULL;
  assert_null(TRITONSERVER_MessageNewFromSerializedJson(&message, text, 7));
  const char *base = NULL;
  size_t size = 0;
  assert_null(TRITONSERVER_MessageSerializeToJson(message, &base, &size));
  assert_string_equal(base, "{\"a\":1}");
  TRITONSERVER_MessageDelete(message);
}

static void rejects_invalid_json_with_a_clear_error(void **state)
{
  (void)state;
  const char *bad[] = {"{\"a\":", "{\"a\":1} x", "not json", ""};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    TRITONSERVER_Message *message = NULL;
    TRITONSERVER_Error *error =
        TRITONSERVER_MessageNewFromSerializedJson(&message, bad[i], strlen(bad[i]));
    assert_non_null(error);
    assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
    assert_non_null(strstr(TRITONSERVER_ErrorMessage(error), "expected one JSON value"));
    assert_null(message);
    TRITONSERVER_ErrorDelete(error);
  }
}

static void null_arguments_are_errors(void **state)
{
  (void)state;
  TRITONSERVER_Error *error = TRITONSERVER_MessageNewFromSerializedJson(NULL, "{}", 2);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ErrorDelete(error);
  error = TRITONSERVER_MessageSerializeToJson(NULL, NULL, NULL);
  assert_int_equal(TRITONSERVER_ErrorCode(error), TRITONSERVER_ERROR_INVALID_ARG);
  TRITONSERVER_ErrorDelete(error);
  assert_null(TRITONSERVER_MessageDelete(NULL));
}

static void internal_builders_serialize_compactly(void **state)
{
  (void)state;
  json_object *object = json_object_new_object();
  json_object_object_add(object, "live", json_object_new_boolean(1));
  TRITONSERVER_Message *message = NULL;
  assert_null(message_new_from_json_object(&message, object));
  json_object_put(object);
  const char *base = NULL;
  size_t size = 0;
  assert_null(TRITONSERVER_MessageSerializeToJson(message, &base, &size));
  assert_string_equal(base, "{\"live\":true}");
  TRITONSERVER_MessageDelete(message);

  char *owned = strdup("[1,2]");
  assert_null(message_new_take(&message, owned, 5));
  assert_null(TRITONSERVER_MessageSerializeToJson(message, &base, &size));
  assert_ptr_equal(base, owned);
  TRITONSERVER_MessageDelete(message);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trips_json_text),
      cmocka_unit_test(accepts_a_length_limited_slice),
      cmocka_unit_test(rejects_invalid_json_with_a_clear_error),
      cmocka_unit_test(null_arguments_are_errors),
      cmocka_unit_test(internal_builders_serialize_compactly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
