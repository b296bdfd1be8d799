/*
 * pbtxt_lexer.h — tokenizer for the protobuf text format (config.pbtxt), following the
 * token rules of protobuf's io::Tokenizer as Triton's TextFormat parser applies them
 * (triton-api.md §3.3): '#' comments, identifiers, decimal/hex/octal integers, floats
 * (".5", "1e-3", "0.5f"), single- or double-quoted strings with C escapes (decoded here),
 * and one-character symbols. Positions are 1-based line and byte column.
 */
#ifndef TORCHD_PBTXT_LEXER_H
#define TORCHD_PBTXT_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "config_alloc.h"

typedef enum PbtxtTokenType {
  PBTXT_TOK_EOF,
  PBTXT_TOK_IDENT,
  PBTXT_TOK_INT,    /* text is the literal: "12", "0x1f", "017" (no sign) */
  PBTXT_TOK_FLOAT,  /* text is the literal: "1.5", ".5", "1e3", "2.5f" (no sign) */
  PBTXT_TOK_STRING, /* text is the raw literal with quotes; the decoded bytes are in `value` */
  PBTXT_TOK_SYMBOL  /* one character: { } < > [ ] : ; , - etc. */
} PbtxtTokenType;

typedef struct PbtxtToken {
  PbtxtTokenType type;
  const char *text; /* points into the source */
  size_t len;
  int line;
  int column;
  /* PBTXT_TOK_STRING only: decoded value, NUL-terminated, owned by the lexer and valid
   * until the next pbtxt_lexer_next call. */
  const char *value;
  size_t value_len;
} PbtxtToken;

typedef struct PbtxtLexer {
  const char *src;
  size_t len;
  size_t pos;
  int line;
  int column;
  const char *file_name;
  ConfigBuf string_value; /* decoded bytes of the current string token */
} PbtxtLexer;

/* Prepares a lexer over src[0..len). `file_name` prefixes error messages and is borrowed
 * for the lexer's lifetime. */
void pbtxt_lexer_init(PbtxtLexer *lexer, const char *src, size_t len, const char *file_name);
/* Releases the lexer's buffers. */
void pbtxt_lexer_free(PbtxtLexer *lexer);

/* Reads the next token into *token. Returns true on success (EOF is a token); false with
 * *error ("file:line:col: message", caller frees) on a lexical error. */
bool pbtxt_lexer_next(PbtxtLexer *lexer, PbtxtToken *token, char **error);

/* Short printable description of a token for error messages ("'foo'", "end of input");
 * caller frees. */
char *pbtxt_token_describe(const PbtxtToken *token);

#endif /* TORCHD_PBTXT_LEXER_H */
