/*
 * pbtxt_lexer.c — the protobuf text-format tokenizer (see pbtxt_lexer.h).
 *
 * Follows protobuf's io::Tokenizer: a number directly followed by a letter is an error
 * ("1f", "0x1g"), a leading-zero integer must be octal, strings may not cross lines, and
 * escapes are validated and decoded into UTF-8 bytes while scanning. Decoded strings must
 * be valid UTF-8 without NUL bytes (the config holds C strings; proto3 strings are UTF-8).
 */
#include "pbtxt_lexer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pbtxt_lexer_init(PbtxtLexer *lexer, const char *src, size_t len, const char *file_name) {
  memset(lexer, 0, sizeof *lexer);
  lexer->src = src;
  lexer->len = len;
  lexer->line = 1;
  lexer->column = 1;
  lexer->file_name = file_name ? file_name : "config.pbtxt";
}

void pbtxt_lexer_free(PbtxtLexer *lexer) { cfgbuf_free(&lexer->string_value); }

static int peek_at(const PbtxtLexer *lexer, size_t ahead) {
  size_t pos = lexer->pos + ahead;
  return pos < lexer->len ? (unsigned char)lexer->src[pos] : -1;
}

static int peek(const PbtxtLexer *lexer) { return peek_at(lexer, 0); }

static void advance(PbtxtLexer *lexer) {
  if (lexer->pos >= lexer->len) {
    return;
  }
  if (lexer->src[lexer->pos] == '\n') {
    lexer->line++;
    lexer->column = 1;
  } else {
    lexer->column++;
  }
  lexer->pos++;
}

static bool is_letter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_octal(int c) { return c >= '0' && c <= '7'; }
static bool is_hex(int c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static int hex_value(int c) {
  return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}
static bool is_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool fail_at(const PbtxtLexer *lexer, int line, int column, char **error,
                    const char *message) {
  *error = cfg_printf("%s:%d:%d: %s", lexer->file_name, line, column, message);
  return false;
}

static void skip_space_and_comments(PbtxtLexer *lexer) {
  for (;;) {
    int c = peek(lexer);
    if (is_space(c)) {
      advance(lexer);
    } else if (c == '#') {
      /* A NUL ends a comment (as in protobuf) and is then rejected as a character. */
      while (peek(lexer) != -1 && peek(lexer) != '\n' && peek(lexer) != '\0') {
        advance(lexer);
      }
    } else {
      return;
    }
  }
}

/* Appends code point `cp` as UTF-8 (surrogates are encoded as-is and rejected later by
 * the UTF-8 check, as protobuf rejects them). */
static void append_utf8(ConfigBuf *buf, uint32_t cp) {
  char out[4];
  size_t n;
  if (cp < 0x80) {
    out[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  cfgbuf_append(buf, out, n);
}

/* Reads exactly `digits` hex digits (or up to `digits` when !exact) into *value. */
static bool read_hex(PbtxtLexer *lexer, int digits, bool exact, uint32_t *value) {
  uint32_t v = 0;
  int n = 0;
  while (n < digits && is_hex(peek(lexer))) {
    v = v * 16 + (uint32_t)hex_value(peek(lexer));
    advance(lexer);
    n++;
  }
  *value = v;
  return exact ? n == digits : n > 0;
}

static bool lex_string(PbtxtLexer *lexer, PbtxtToken *token, char **error) {
  int quote = peek(lexer);
  ConfigBuf *buf = &lexer->string_value;
  buf->len = 0;
  cfgbuf_append(buf, "", 0);
  advance(lexer);
  for (;;) {
    int c = peek(lexer);
    if (c == -1 || c == '\n') {
      return fail_at(lexer, lexer->line, lexer->column, error,
                     c == -1 ? "unexpected end of input inside a string literal"
                             : "string literals cannot cross line boundaries");
    }
    if (c == quote) {
      advance(lexer);
      break;
    }
    if (c != '\\') {
      char ch = (char)c;
      cfgbuf_append(buf, &ch, 1);
      advance(lexer);
      continue;
    }
    int esc_line = lexer->line;
    int esc_column = lexer->column;
    advance(lexer);
    int e = peek(lexer);
    const char *simple = strchr("abfnrtv\\?'\"", e == -1 ? 'X' : e);
    if (e != -1 && simple != NULL) {
      static const char from[] = "abfnrtv\\?'\"";
      static const char to[] = "\a\b\f\n\r\t\v\\?'\"";
      char ch = to[strchr(from, e) - from];
      cfgbuf_append(buf, &ch, 1);
      advance(lexer);
    } else if (is_octal(e)) {
      unsigned v = 0;
      for (int n = 0; n < 3 && is_octal(peek(lexer)); n++) {
        v = v * 8 + (unsigned)(peek(lexer) - '0');
        advance(lexer);
      }
      char ch = (char)(unsigned char)(v & 0xFF);
      cfgbuf_append(buf, &ch, 1);
    } else if (e == 'x' || e == 'X') {
      advance(lexer);
      uint32_t v;
      if (!read_hex(lexer, 2, false, &v)) {
        return fail_at(lexer, esc_line, esc_column, error,
                       "expected hex digits after '\\x' in string literal");
      }
      char ch = (char)(unsigned char)v;
      cfgbuf_append(buf, &ch, 1);
    } else if (e == 'u' || e == 'U') {
      int digits = e == 'u' ? 4 : 8;
      advance(lexer);
      uint32_t v;
      if (!read_hex(lexer, digits, true, &v) || v > 0x10FFFF) {
        return fail_at(lexer, esc_line, esc_column, error,
                       e == 'u' ? "expected four hex digits after '\\u' in string literal"
                                : "expected eight hex digits up to 10ffff after '\\U' in "
                                  "string literal");
      }
      /* A \u high surrogate followed by a \u low surrogate is one code point. */
      if (v >= 0xD800 && v <= 0xDBFF && peek(lexer) == '\\' && peek_at(lexer, 1) == 'u') {
        size_t save_pos = lexer->pos;
        int save_line = lexer->line, save_column = lexer->column;
        advance(lexer);
        advance(lexer);
        uint32_t low;
        if (read_hex(lexer, 4, true, &low) && low >= 0xDC00 && low <= 0xDFFF) {
          v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
        } else {
          lexer->pos = save_pos;
          lexer->line = save_line;
          lexer->column = save_column;
        }
      }
      append_utf8(buf, v);
    } else {
      return fail_at(lexer, esc_line, esc_column, error,
                     "invalid escape sequence in string literal");
    }
  }
  if (memchr(buf->data, '\0', buf->len) != NULL) {
    return fail_at(lexer, token->line, token->column, error,
                   "string literal contains a NUL character, which a config string cannot "
                   "hold");
  }
  if (!cfg_utf8_valid(buf->data, buf->len)) {
    return fail_at(lexer, token->line, token->column, error,
                   "string literal is not valid UTF-8");
  }
  token->type = PBTXT_TOK_STRING;
  token->value = buf->data;
  token->value_len = buf->len;
  return true;
}

static bool lex_number(PbtxtLexer *lexer, PbtxtToken *token, char **error) {
  bool is_float = false;
  int c = peek(lexer);
  if (c == '0' && (peek_at(lexer, 1) == 'x' || peek_at(lexer, 1) == 'X')) {
    advance(lexer);
    advance(lexer);
    if (!is_hex(peek(lexer))) {
      return fail_at(lexer, lexer->line, lexer->column, error,
                     "\"0x\" must be followed by hex digits");
    }
    while (is_hex(peek(lexer))) {
      advance(lexer);
    }
  } else if (c == '0' && is_digit(peek_at(lexer, 1))) {
    advance(lexer);
    while (is_digit(peek(lexer))) {
      if (!is_octal(peek(lexer))) {
        return fail_at(lexer, lexer->line, lexer->column, error,
                       "numbers starting with leading zero must be in octal");
      }
      advance(lexer);
    }
  } else {
    while (is_digit(peek(lexer))) {
      advance(lexer);
    }
    if (peek(lexer) == '.') {
      is_float = true;
      advance(lexer);
      while (is_digit(peek(lexer))) {
        advance(lexer);
      }
    }
    if (peek(lexer) == 'e' || peek(lexer) == 'E') {
      is_float = true;
      advance(lexer);
      if (peek(lexer) == '+' || peek(lexer) == '-') {
        advance(lexer);
      }
      if (!is_digit(peek(lexer))) {
        return fail_at(lexer, lexer->line, lexer->column, error,
                       "\"e\" must be followed by exponent");
      }
      while (is_digit(peek(lexer))) {
        advance(lexer);
      }
    }
    if (is_float && (peek(lexer) == 'f' || peek(lexer) == 'F')) {
      advance(lexer);
    }
  }
  c = peek(lexer);
  if (is_letter(c) || is_digit(c)) {
    return fail_at(lexer, lexer->line, lexer->column, error,
                   "need space between number and identifier");
  }
  if (c == '.') {
    return fail_at(lexer, lexer->line, lexer->column, error,
                   is_float ? "already saw decimal point or exponent; can't have another one"
                            : "hex and octal numbers must be integers");
  }
  token->type = is_float ? PBTXT_TOK_FLOAT : PBTXT_TOK_INT;
  return true;
}

bool pbtxt_lexer_next(PbtxtLexer *lexer, PbtxtToken *token, char **error) {
  skip_space_and_comments(lexer);
  memset(token, 0, sizeof *token);
  token->line = lexer->line;
  token->column = lexer->column;
  token->text = lexer->src + lexer->pos;
  size_t start = lexer->pos;
  int c = peek(lexer);
  bool ok = true;
  if (c == -1) {
    token->type = PBTXT_TOK_EOF;
  } else if (is_letter(c)) {
    while (is_letter(peek(lexer)) || is_digit(peek(lexer))) {
      advance(lexer);
    }
    token->type = PBTXT_TOK_IDENT;
  } else if (is_digit(c) || (c == '.' && is_digit(peek_at(lexer, 1)))) {
    ok = lex_number(lexer, token, error);
  } else if (c == '"' || c == '\'') {
    ok = lex_string(lexer, token, error);
  } else if (c >= 0x21 && c <= 0x7E) {
    advance(lexer);
    token->type = PBTXT_TOK_SYMBOL;
  } else {
    char message[64];
    snprintf(message, sizeof message, "unexpected character 0x%02X", (unsigned)c);
    ok = fail_at(lexer, lexer->line, lexer->column, error, message);
  }
  token->len = lexer->pos - start;
  return ok;
}

char *pbtxt_token_describe(const PbtxtToken *token) {
  if (token->type == PBTXT_TOK_EOF) {
    return cfg_strdup("end of input");
  }
  size_t len = token->len > 40 ? 40 : token->len;
  return cfg_printf("'%.*s%s'", (int)len, token->text, token->len > 40 ? "..." : "");
}
