/*
 * test_pbtxt_lexer.c — the protobuf text-format tokenizer: token kinds and spans,
 * positions, comments, number forms, string escapes, and every lexical error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pbtxt_lexer.h"
#include "config_test_support.h"

/* Tokenizes `src` fully; returns the token count (EOF excluded) and copies the tokens'
 * types/texts into the arrays. Asserts no error. */
static size_t lex_all(const char *src, PbtxtTokenType *types, char texts[][64], size_t max) {
  PbtxtLexer lexer;
  pbtxt_lexer_init(&lexer, src, strlen(src), "t.pbtxt");
  size_t n = 0;
  for (;;) {
    PbtxtToken tok;
    char *error = NULL;
    if (!pbtxt_lexer_next(&lexer, &tok, &error)) {
      fail_msg("lex error: %s", error);
    }
    if (tok.type == PBTXT_TOK_EOF) {
      break;
    }
    assert_true(n < max);
    types[n] = tok.type;
    const char *text = tok.type == PBTXT_TOK_STRING ? tok.value : tok.text;
    size_t len = tok.type == PBTXT_TOK_STRING ? tok.value_len : tok.len;
    assert_true(len < 64);
    memcpy(texts[n], text, len);
    texts[n][len] = '\0';
    n++;
  }
  pbtxt_lexer_free(&lexer);
  return n;
}

/* Returns the first lexical error for `src` (caller frees). */
static char *lex_error(const char *src, size_t len) {
  PbtxtLexer lexer;
  pbtxt_lexer_init(&lexer, src, len, "t.pbtxt");
  char *error = NULL;
  for (int i = 0; i < 100; i++) {
    PbtxtToken tok;
    if (!pbtxt_lexer_next(&lexer, &tok, &error)) {
      break;
    }
    if (tok.type == PBTXT_TOK_EOF) {
      break;
    }
  }
  pbtxt_lexer_free(&lexer);
  if (error == NULL) {
    fail_msg("expected a lexical error for: %s", src);
  }
  return error;
}

static void test_token_kinds(void **state) {
  (void)state;
  PbtxtTokenType types[32];
  char texts[32][64];
  size_t n = lex_all("name: \"x\" # comment\n dims: [ -1, 0x1F, 017 ] f: 1.5f < > ;", types,
                     texts, 32);
  assert_int_equal(n, 19);
  assert_int_equal(types[0], PBTXT_TOK_IDENT);
  assert_string_equal(texts[0], "name");
  assert_int_equal(types[1], PBTXT_TOK_SYMBOL);
  assert_string_equal(texts[1], ":");
  assert_int_equal(types[2], PBTXT_TOK_STRING);
  assert_string_equal(texts[2], "x");
  assert_string_equal(texts[3], "dims");
  assert_string_equal(texts[5], "[");
  assert_string_equal(texts[6], "-");
  assert_int_equal(types[7], PBTXT_TOK_INT);
  assert_string_equal(texts[7], "1");
  assert_int_equal(types[9], PBTXT_TOK_INT);
  assert_string_equal(texts[9], "0x1F");
  assert_string_equal(texts[11], "017");
  assert_string_equal(texts[12], "]");
  assert_int_equal(types[15], PBTXT_TOK_FLOAT);
  assert_string_equal(texts[15], "1.5f");
  assert_string_equal(texts[16], "<");
  assert_string_equal(texts[17], ">");
  assert_string_equal(texts[18], ";");
}

static void test_float_forms(void **state) {
  (void)state;
  PbtxtTokenType types[16];
  char texts[16][64];
  size_t n = lex_all(".5 1e-3 1E+4 2. 0.5F 3", types, texts, 16);
  assert_int_equal(n, 6);
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(types[i], PBTXT_TOK_FLOAT);
  }
  assert_string_equal(texts[0], ".5");
  assert_string_equal(texts[1], "1e-3");
  assert_string_equal(texts[3], "2.");
  assert_int_equal(types[5], PBTXT_TOK_INT);
}

static void test_positions(void **state) {
  (void)state;
  const char *src = "a\n  # c\n\tbb: 'x'";
  PbtxtLexer lexer;
  pbtxt_lexer_init(&lexer, src, strlen(src), NULL);
  PbtxtToken tok;
  char *error = NULL;
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  assert_int_equal(tok.line, 1);
  assert_int_equal(tok.column, 1);
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  assert_int_equal(tok.line, 3);
  assert_int_equal(tok.column, 2);
  assert_int_equal(tok.len, 2);
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  assert_int_equal(tok.column, 4);
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  assert_int_equal(tok.type, PBTXT_TOK_STRING);
  assert_int_equal(tok.column, 6);
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  assert_int_equal(tok.type, PBTXT_TOK_EOF);
  pbtxt_lexer_free(&lexer);
}

static void test_string_escapes(void **state) {
  (void)state;
  PbtxtTokenType types[4];
  char texts[4][64];
  size_t n = lex_all("\"a\\n\\t\\\\\\'\\\"\\?\\101\\x42\\u00e9\\U0001F600\"", types, texts, 4);
  assert_int_equal(n, 1);
  assert_string_equal(texts[0], "a\n\t\\'\"?AB\xC3\xA9\xF0\x9F\x98\x80");
  n = lex_all("'single \"quoted\"' \"\\a\\b\\f\\v\\r\"", types, texts, 4);
  assert_int_equal(n, 2);
  assert_string_equal(texts[0], "single \"quoted\"");
  assert_string_equal(texts[1], "\a\b\f\v\r");
  /* a surrogate pair written as two \u escapes is one code point */
  n = lex_all("\"\\ud83d\\ude00\"", types, texts, 4);
  assert_string_equal(texts[0], "\xF0\x9F\x98\x80");
}

static void test_lexical_errors(void **state) {
  (void)state;
  static const struct {
    const char *src;
    const char *error;
  } cases[] = {
      {"x: 08", "t.pbtxt:1:5: numbers starting with leading zero must be in octal"},
      {"x: 0x", "t.pbtxt:1:6: \"0x\" must be followed by hex digits"},
      {"x: 12abc", "t.pbtxt:1:6: need space between number and identifier"},
      {"x: 1f", "t.pbtxt:1:5: need space between number and identifier"},
      {"x: 1e", "t.pbtxt:1:6: \"e\" must be followed by exponent"},
      {"x: 1.5.2", "t.pbtxt:1:7: already saw decimal point or exponent; can't have another one"},
      {"x: \"abc", "t.pbtxt:1:8: unexpected end of input inside a string literal"},
      {"x: \"ab\nc\"", "t.pbtxt:1:7: string literals cannot cross line boundaries"},
      {"x: \"\\q\"", "t.pbtxt:1:5: invalid escape sequence in string literal"},
      {"x: \"\\xZZ\"", "t.pbtxt:1:5: expected hex digits after '\\x' in string literal"},
      {"x: \"\\u12\"", "t.pbtxt:1:5: expected four hex digits after '\\u' in string literal"},
      {"x: \"\\U00110000\"",
       "t.pbtxt:1:5: expected eight hex digits up to 10ffff after '\\U' in string literal"},
      {"x: \"\\000\"",
       "t.pbtxt:1:4: string literal contains a NUL character, which a config string cannot "
       "hold"},
      {"x: \"\\377\"", "t.pbtxt:1:4: string literal is not valid UTF-8"},
      {"x: \"\\ud800\"", "t.pbtxt:1:4: string literal is not valid UTF-8"},
      {"\x01", "t.pbtxt:1:1: unexpected character 0x01"},
      {"x: \xC3\xA9", "t.pbtxt:1:4: unexpected character 0xC3"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = lex_error(cases[i].src, strlen(cases[i].src));
    assert_string_equal(error, cases[i].error);
    free(error);
  }
  /* A NUL byte in the input is an unexpected character, not the end of input. */
  char *error = lex_error("a\0b", 3);
  assert_string_equal(error, "t.pbtxt:1:2: unexpected character 0x00");
  free(error);
}

static void test_describe(void **state) {
  (void)state;
  PbtxtLexer lexer;
  pbtxt_lexer_init(&lexer, "abc", 3, NULL);
  PbtxtToken tok;
  char *error = NULL;
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  char *text = pbtxt_token_describe(&tok);
  assert_string_equal(text, "'abc'");
  free(text);
  assert_true(pbtxt_lexer_next(&lexer, &tok, &error));
  text = pbtxt_token_describe(&tok);
  assert_string_equal(text, "end of input");
  free(text);
  pbtxt_lexer_free(&lexer);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_token_kinds),   cmocka_unit_test(test_float_forms),
      cmocka_unit_test(test_positions),     cmocka_unit_test(test_string_escapes),
      cmocka_unit_test(test_lexical_errors), cmocka_unit_test(test_describe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
