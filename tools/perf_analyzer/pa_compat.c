/*
 * pa_compat.c — the glibc 2.38 and GCC 13 functions that NVIDIA's perf_analyzer binary
 * imports and Debian 12 (glibc 2.36, libstdc++ of GCC 12 = GLIBCXX_3.4.30) does not have.
 *
 * libpa_compat.so is made the first DT_NEEDED of build/tools/perf_analyzer/perf_analyzer
 * after relax_versions.py has dropped the version requirement of exactly these symbols, so
 * the dynamic linker binds them here (tools/perf_analyzer/README.md tells the whole story):
 *
 *   __isoc23_strtol  __isoc23_strtoll  __isoc23_strtoul  __isoc23_strtoull      GLIBC_2.38
 *   __isoc23_sscanf                                                             GLIBC_2.38
 *   std::__cxx11::string::_M_replace_cold(char*, size_t, const char*, size_t, size_t)
 *                                                                           GLIBCXX_3.4.31
 *   std::ios_base_library_init()  (pa_compat_iostream.cc)                   GLIBCXX_3.4.32
 *
 * glibc 2.38 routes strtol/sscanf calls to the __isoc23_ names when a program is compiled
 * as C23 or with _GNU_SOURCE (which g++ always defines). The C23 functions differ from the
 * C17 ones in one respect only, binary integers:
 *   - strtol & co. with base 0 or 2 accept a "0b"/"0B" prefix ("-0b101" is -5);
 *   - scanf's %i accepts that prefix too, and scanf has %b: an unsigned binary integer in
 *     the form strtoul(base 2) reads, the prefix optional.
 * Everything that is not a binary integer is handed to glibc 2.36's C17 functions, so their
 * behaviour (locale, errno, overflow, every other conversion) stays glibc's own.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PA_EXPORT __attribute__((visibility("default")))

PA_EXPORT long __isoc23_strtol(const char *restrict text, char **restrict end, int base);
PA_EXPORT long long __isoc23_strtoll(const char *restrict text, char **restrict end, int base);
PA_EXPORT unsigned long __isoc23_strtoul(const char *restrict text, char **restrict end, int base);
PA_EXPORT unsigned long long __isoc23_strtoull(const char *restrict text, char **restrict end,
                                               int base);
PA_EXPORT int __isoc23_sscanf(const char *restrict input, const char *restrict format, ...);

/* ---- binary integers ------------------------------------------------------------------- */

/* A binary integer read from text. */
struct binary_number {
  bool negative;
  bool overflow;                /* the magnitude needs more than 64 bits */
  unsigned long long magnitude; /* valid when !overflow */
  const char *end;              /* the first character after the number */
};

static bool is_binary_digit(char c) { return c == '0' || c == '1'; }

/* Reads [sign][0b|0B]binary-digits at `text` (no white space skipped), looking at no more
 * than `limit` characters (0: no limit; scanf's field width). With `prefix_required` the
 * number must have the 0b prefix; without, the prefix is optional. A prefix counts only
 * when a binary digit follows it ("0b2" has none: it is not a prefixed number). Returns
 * false, touching nothing but *out, when there is no such number at `text`. */
static bool read_binary(const char *text, size_t limit, bool prefix_required,
                        struct binary_number *out)
{
  size_t left = limit ? limit : SIZE_MAX;
  const char *c = text;
  out->negative = false;
  out->overflow = false;
  out->magnitude = 0;
  if (left > 0 && (*c == '+' || *c == '-')) {
    out->negative = *c == '-';
    c++;
    left--;
  }
  if (left >= 3 && c[0] == '0' && (c[1] == 'b' || c[1] == 'B') && is_binary_digit(c[2])) {
    c += 2;
    left -= 2;
  } else if (prefix_required) {
    return false;
  }
  if (left == 0 || !is_binary_digit(*c))
    return false;
  for (; left > 0 && is_binary_digit(*c); c++, left--) {
    if (out->magnitude > ULLONG_MAX >> 1)
      out->overflow = true;
    out->magnitude = out->magnitude << 1 | (unsigned long long)(*c - '0');
  }
  out->end = c;
  return true;
}

/* The value of `number` in a signed type of range [min, max], as strtol reports it: out of
 * range gives min or max and errno ERANGE. */
static long long signed_value(const struct binary_number *number, long long min, long long max)
{
  unsigned long long largest = (unsigned long long)max + (number->negative ? 1 : 0);
  if (number->overflow || number->magnitude > largest) {
    errno = ERANGE;
    return number->negative ? min : max;
  }
  if (!number->negative)
    return (long long)number->magnitude;
  /* -(magnitude) without overflowing when magnitude is max + 1 */
  return number->magnitude == 0 ? 0 : -(long long)(number->magnitude - 1) - 1;
}

/* The value of `number` in an unsigned type whose largest value is `max` (all ones), as
 * strtoul reports it: a magnitude above max gives max and ERANGE; a negative number is the
 * negation of its magnitude in that type. */
static unsigned long long unsigned_value(const struct binary_number *number,
                                         unsigned long long max)
{
  if (number->overflow || number->magnitude > max) {
    errno = ERANGE;
    return max;
  }
  return number->negative ? (0ULL - number->magnitude) & max : number->magnitude;
}

/* ---- strtol, strtoll, strtoul, strtoull ---------------------------------------------------- */

/* Whether strto*(text, base) reads a C23 binary constant: base 0 or 2 and, after white
 * space and a sign, "0b"/"0B" and a binary digit. Without the prefix a base-2 number reads
 * the same in C17, so glibc's own function does it. */
static bool strto_binary(const char *text, int base, struct binary_number *number)
{
  if (base != 0 && base != 2)
    return false;
  while (isspace((unsigned char)*text))
    text++;
  return read_binary(text, 0, true, number);
}

#define STRTO_C23(name, type, c17_function, value_expression)                             \
  type name(const char *restrict text, char **restrict end, int base)                      \
  {                                                                                        \
    struct binary_number number;                                                           \
    if (!strto_binary(text, base, &number))                                                \
      return c17_function(text, end, base);                                                \
    if (end)                                                                               \
      *end = (char *)number.end;                                                           \
    return (type)(value_expression);                                                       \
  }

STRTO_C23(__isoc23_strtol, long, strtol, signed_value(&number, LONG_MIN, LONG_MAX))
STRTO_C23(__isoc23_strtoll, long long, strtoll, signed_value(&number, LLONG_MIN, LLONG_MAX))
STRTO_C23(__isoc23_strtoul, unsigned long, strtoul, unsigned_value(&number, ULONG_MAX))
STRTO_C23(__isoc23_strtoull, unsigned long long, strtoull, unsigned_value(&number, ULLONG_MAX))

/* ---- sscanf -------------------------------------------------------------------------------- */

enum length { LENGTH_NONE, LENGTH_HH, LENGTH_H, LENGTH_L, LENGTH_LL, LENGTH_J, LENGTH_Z,
              LENGTH_T };

/* One conversion specification of a scanf format: %[n$][*][width][m][length]kind */
struct conversion {
  const char *start; /* the '%' */
  const char *end;   /* one past the conversion character (past ']' for a scanset) */
  bool positional;   /* "%n$": arguments by number */
  bool suppressed;   /* '*': read, do not assign */
  bool other_flags;  /* glibc's "'" or 'I' flag: left to glibc */
  size_t width;      /* 0: none */
  enum length length;
  char kind;         /* 'd', 'i', 'b', 'n', '[', 's', ... */
};

/* Parses the conversion specification at `percent` (a '%' not followed by '%'). Returns
 * false for a malformed one (no conversion character, an unclosed scanset). */
static bool parse_conversion(const char *percent, struct conversion *conversion)
{
  const char *c = percent + 1;
  memset(conversion, 0, sizeof *conversion);
  conversion->start = percent;
  const char *digits = c;
  while (isdigit((unsigned char)*c))
    c++;
  if (c > digits && *c == '$') {
    conversion->positional = true;
    c++;
  } else {
    c = digits;
  }
  for (;; c++) {
    if (*c == '*')
      conversion->suppressed = true;
    else if (*c == '\'' || *c == 'I')
      conversion->other_flags = true;
    else
      break;
  }
  for (; isdigit((unsigned char)*c); c++)
    conversion->width = conversion->width * 10 + (size_t)(*c - '0');
  if (*c == 'm')
    c++;
  switch (*c) {
  case 'h':
    c++;
    conversion->length = LENGTH_H;
    if (*c == 'h') {
      c++;
      conversion->length = LENGTH_HH;
    }
    break;
  case 'l':
    c++;
    conversion->length = LENGTH_L;
    if (*c == 'l') {
      c++;
      conversion->length = LENGTH_LL;
    }
    break;
  case 'q': /* BSD and glibc: long long */
  case 'L': /* glibc: long long for integer conversions */
    c++;
    conversion->length = LENGTH_LL;
    break;
  case 'j': c++; conversion->length = LENGTH_J; break;
  case 'z': c++; conversion->length = LENGTH_Z; break;
  case 't': c++; conversion->length = LENGTH_T; break;
  default: break;
  }
  if (*c == '\0')
    return false;
  conversion->kind = *c++;
  if (conversion->kind == '[') {
    if (*c == '^')
      c++;
    if (*c == ']') /* a ']' first is a member of the set */
      c++;
    while (*c && *c != ']')
      c++;
    if (*c != ']')
      return false;
    c++;
  }
  conversion->end = c;
  return true;
}

/* The first conversion specification at or after `format` ("%%" is literal text), or the
 * terminating NUL. */
static const char *next_conversion(const char *format)
{
  for (const char *c = format; *c; c++) {
    if (*c != '%')
      continue;
    if (c[1] != '%')
      return c;
    c++;
  }
  return format + strlen(format);
}

/* Whether `format` needs the C23 reading: it has a %b or %i conversion. A malformed format,
 * or one with numbered arguments, is passed to glibc whole (no binary forms then). */
static bool needs_c23_scan(const char *format)
{
  bool binary = false;
  for (const char *c = next_conversion(format); *c; c = next_conversion(c)) {
    struct conversion conversion;
    if (!parse_conversion(c, &conversion) || conversion.positional)
      return false;
    if (conversion.kind == 'b' || conversion.kind == 'i')
      binary = true;
    c = conversion.end;
  }
  return binary;
}

enum scan_status { SCAN_OK, SCAN_MATCHING_FAILURE, SCAN_INPUT_FAILURE };

/* Runs glibc's sscanf on `*input` with the format text [piece, piece + size) followed by
 * "%n", passing `argument` first unless it is NULL. On success advances *input past what
 * was read and returns SCAN_OK; otherwise says which failure glibc met. */
static enum scan_status scan_piece(const char **input, const char *piece, size_t size,
                                   void *argument)
{
  char small[128];
  char *format = size + 3 <= sizeof small ? small : malloc(size + 3);
  if (!format) {
    errno = ENOMEM;
    return SCAN_INPUT_FAILURE;
  }
  memcpy(format, piece, size);
  memcpy(format + size, "%n", 3);
  int read = -1;
  int result = argument ? sscanf(*input, format, argument, &read) : sscanf(*input, format, &read);
  if (format != small)
    free(format);
  if (read < 0)
    return result == EOF ? SCAN_INPUT_FAILURE : SCAN_MATCHING_FAILURE;
  *input += read;
  return SCAN_OK;
}

static void store_signed(void *target, enum length length, long long value)
{
  switch (length) {
  case LENGTH_HH: *(signed char *)target = (signed char)value; break;
  case LENGTH_H: *(short *)target = (short)value; break;
  case LENGTH_NONE: *(int *)target = (int)value; break;
  case LENGTH_L: *(long *)target = (long)value; break;
  case LENGTH_LL: *(long long *)target = value; break;
  case LENGTH_J: *(intmax_t *)target = (intmax_t)value; break;
  case LENGTH_Z: *(size_t *)target = (size_t)value; break;
  case LENGTH_T: *(ptrdiff_t *)target = (ptrdiff_t)value; break;
  }
}

static void store_unsigned(void *target, enum length length, unsigned long long value)
{
  switch (length) {
  case LENGTH_HH: *(unsigned char *)target = (unsigned char)value; break;
  case LENGTH_H: *(unsigned short *)target = (unsigned short)value; break;
  case LENGTH_NONE: *(unsigned *)target = (unsigned)value; break;
  case LENGTH_L: *(unsigned long *)target = (unsigned long)value; break;
  case LENGTH_LL: *(unsigned long long *)target = value; break;
  case LENGTH_J: *(uintmax_t *)target = (uintmax_t)value; break;
  case LENGTH_Z: *(size_t *)target = (size_t)value; break;
  case LENGTH_T: *(ptrdiff_t *)target = (ptrdiff_t)value; break;
  }
}

/* %b, or %i when the field holds a 0b-prefixed number: skips white space, reads the number
 * within the field width and assigns it (%i as the signed, %b as the unsigned type of its
 * length modifier, out-of-range values saturated the way strtoll/strtoull do). Returns
 * SCAN_MATCHING_FAILURE when there is no number; for %i the caller first checks that one is
 * there (binary_field). */
static enum scan_status scan_binary_integer(const char **input, const struct conversion *conversion,
                                            va_list *arguments, int *assigned)
{
  const char *c = *input;
  while (isspace((unsigned char)*c))
    c++;
  if (*c == '\0')
    return SCAN_INPUT_FAILURE;
  struct binary_number number;
  if (!read_binary(c, conversion->width, conversion->kind == 'i', &number))
    return SCAN_MATCHING_FAILURE;
  *input = number.end;
  if (!conversion->suppressed) {
    void *target = va_arg(*arguments, void *);
    if (conversion->kind == 'i')
      store_signed(target, conversion->length, signed_value(&number, LLONG_MIN, LLONG_MAX));
    else
      store_unsigned(target, conversion->length, unsigned_value(&number, ULLONG_MAX));
    (*assigned)++;
  }
  return SCAN_OK;
}

/* Whether the %i field at `input` is a 0b-prefixed binary number (after white space). */
static bool binary_field(const char *input, const struct conversion *conversion)
{
  struct binary_number number;
  while (isspace((unsigned char)*input))
    input++;
  return !conversion->other_flags && read_binary(input, conversion->width, true, &number);
}

/* sscanf with C23's %b and binary %i: the format is taken one directive group at a time —
 * the literal text and white space up to a conversion, then the conversion — each group by
 * glibc's own sscanf on the rest of the input, except %b, binary %i and %n, done here (%n
 * must count from the start of the whole input). scanf reads a format strictly left to
 * right with nothing carried between directives but the input position, so the pieces give
 * the same result as one call would. Returns what sscanf returns: the number of assigned
 * conversions, or EOF when the input ended before the first assignment. */
static int scan_c23(const char *input, const char *format, va_list caller_arguments)
{
  va_list arguments;
  va_copy(arguments, caller_arguments);
  const char *in = input;
  const char *f = format;
  int assigned = 0;
  enum scan_status status = SCAN_OK;
  while (*f && status == SCAN_OK) {
    const char *percent = next_conversion(f);
    if (percent > f) {
      status = scan_piece(&in, f, (size_t)(percent - f), NULL);
      f = percent;
      if (status != SCAN_OK || !*f)
        break;
    }
    struct conversion conversion;
    if (!parse_conversion(f, &conversion)) { /* needs_c23_scan checked the format */
      status = SCAN_MATCHING_FAILURE;
      break;
    }
    f = conversion.end;
    if (conversion.kind == 'n') {
      if (!conversion.suppressed)
        store_signed(va_arg(arguments, void *), conversion.length, (long long)(in - input));
    } else if (conversion.kind == 'b' ||
               (conversion.kind == 'i' && binary_field(in, &conversion))) {
      status = scan_binary_integer(&in, &conversion, &arguments, &assigned);
    } else {
      void *target = conversion.suppressed ? NULL : va_arg(arguments, void *);
      status = scan_piece(&in, conversion.start, (size_t)(conversion.end - conversion.start),
                          target);
      if (status == SCAN_OK && target)
        assigned++;
    }
  }
  va_end(arguments);
  return status == SCAN_INPUT_FAILURE && assigned == 0 ? EOF : assigned;
}

int __isoc23_sscanf(const char *restrict input, const char *restrict format, ...)
{
  va_list arguments;
  va_start(arguments, format);
  int result = needs_c23_scan(format) ? scan_c23(input, format, arguments)
                                      : vsscanf(input, format, arguments);
  va_end(arguments);
  return result;
}

/* ---- std::string::_M_replace_cold (GCC 13) ------------------------------------------------- */

/* GCC 13's basic_string<char>::_M_replace(pos, len1, s, len2) calls this out-of-line member
 * when the result fits the current capacity and the replacement characters s[0, len2) lie
 * inside the string's own buffer. On entry `p` is the start of the replaced range
 * [p, p + len1) and `tail` characters follow that range; on return the buffer holds the
 * entry-time s[0, len2) at p, then the tail at p + len2 (the caller stores the new length
 * and terminator). `self` (the string) is not needed. Being a member function, it takes
 * `this` first; the mangled name binds it to the Itanium C++ ABI symbol. */
PA_EXPORT void pa_compat_string_replace_cold(void *self, char *p, size_t len1, const char *s,
                                             size_t len2, size_t tail)
    __asm__("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE15_M_replace_coldEPcmPKcmm");

void pa_compat_string_replace_cold(void *self, char *p, size_t len1, const char *s,
                                   size_t len2, size_t tail)
{
  (void)self;
  if (len2 <= len1) {
    /* The replacement fits in the replaced range: copying it there first leaves the tail
     * untouched (memmove reads all of s before it writes), then the tail moves left. */
    memmove(p, s, len2);
    memmove(p + len2, p + len1, tail);
    return;
  }
  /* Growing: move the tail right by len2 - len1 first. The source characters that lay in
   * the old tail (at or after p + len1) move with it; those before p + len1 stay put. */
  size_t shift = len2 - len1;
  memmove(p + len2, p + len1, tail);
  size_t unmoved = 0;
  if (s < p + len1)
    unmoved = (size_t)(p + len1 - s) < len2 ? (size_t)(p + len1 - s) : len2;
  /* [p, p + unmoved) ends at or before p + len2, where the moved source part begins */
  memmove(p, s, unmoved);
  memmove(p + unmoved, s + unmoved + shift, len2 - unmoved);
}
