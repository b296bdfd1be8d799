/* test_pa_compat.c — libpa_compat.so (tools/perf_analyzer): the C23 strto* and sscanf with
 * binary integers, checked against worked values and, for everything that is not a binary
 * integer, against glibc's own C17 functions; std::string::_M_replace_cold against a plain
 * copy-based reference over every small layout. (That the standard streams work is seen
 * when perf_analyzer prints: tests/e2e/test_perf_analyzer.py.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc 2.36's headers do not declare these; libpa_compat.so defines them. */
long __isoc23_strtol(const char *restrict text, char **restrict end, int base);
long long __isoc23_strtoll(const char *restrict text, char **restrict end, int base);
unsigned long __isoc23_strtoul(const char *restrict text, char **restrict end, int base);
unsigned long long __isoc23_strtoull(const char *restrict text, char **restrict end, int base);
int __isoc23_sscanf(const char *restrict input, const char *restrict format, ...);
void replace_cold(void *self, char *p, size_t len1, const char *s, size_t len2, size_t tail)
    __asm__("_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE15_M_replace_coldEPcmPKcmm");
void ios_base_library_init(void) __asm__("_ZSt21ios_base_library_initv");

/* ---- strto* ---------------------------------------------------------------------------- */

static void expect_strtol(const char *text, int base, long value, size_t end, int error) {
  char *stop = NULL;
  errno = 0;
  long got = __isoc23_strtol(text, &stop, base);
  if (got != value || (size_t)(stop - text) != end || errno != error)
    fail_msg("strtol(\"%s\", %d): got %ld end %td errno %d, want %ld end %zu errno %d", text,
             base, got, stop - text, errno, value, end, error);
}

static void test_strtol_binary(void **state) {
  (void)state;
  expect_strtol("0b101", 0, 5, 5, 0);
  expect_strtol("0b101", 2, 5, 5, 0);
  expect_strtol("0B11x", 0, 3, 4, 0);
  expect_strtol("  \t-0b11", 0, -3, 8, 0);
  expect_strtol("+0b1", 2, 1, 4, 0);
  expect_strtol("0b101", 10, 0, 1, 0);      /* not a prefix in base 10 */
  expect_strtol("0b101", 16, 0xb101, 5, 0); /* hex digits in base 16 */
  expect_strtol("0b", 0, 0, 1, 0);          /* no binary digit: the "0" alone */
  expect_strtol("0b2", 2, 0, 1, 0);
  expect_strtol("0b 1", 0, 0, 1, 0);
  expect_strtol("-0b", 0, 0, 2, 0);
  expect_strtol("0b0", 0, 0, 3, 0);
  expect_strtol("101", 2, 5, 3, 0); /* base 2 without the prefix */
  char text[80];
  strcpy(text, "0b");
  memset(text + 2, '1', 63);
  text[65] = '\0';
  expect_strtol(text, 0, LONG_MAX, 65, 0);
  strcpy(text, "0b1");
  memset(text + 3, '0', 63); /* 2^63 */
  text[66] = '\0';
  expect_strtol(text, 0, LONG_MAX, 66, ERANGE);
  strcpy(text, "-0b1");
  memset(text + 4, '0', 63); /* -2^63 */
  text[67] = '\0';
  expect_strtol(text, 0, LONG_MIN, 67, 0);
  text[66] = '1'; /* -(2^63 + 1) */
  expect_strtol(text, 0, LONG_MIN, 67, ERANGE);
  memset(text + 4, '1', 70); /* far beyond 64 bits */
  text[74] = '\0';
  expect_strtol(text, 2, LONG_MIN, 74, ERANGE);
  assert_int_equal(__isoc23_strtol("0b11", NULL, 0), 3); /* end may be NULL */
}

static void test_strto_other_types(void **state) {
  (void)state;
  char *end;
  errno = 0;
  assert_true(__isoc23_strtoll("-0b1000", &end, 0) == -8 && *end == '\0' && errno == 0);
  assert_true(__isoc23_strtoul("-0b1", &end, 0) == ULONG_MAX && errno == 0);
  assert_true(__isoc23_strtoull("0b1010", &end, 2) == 10 && *end == '\0');
  char ones[70] = "0b";
  memset(ones + 2, '1', 64);
  ones[66] = '\0';
  assert_true(__isoc23_strtoull(ones, &end, 0) == ULLONG_MAX && errno == 0);
  strcat(ones, "1");
  assert_true(__isoc23_strtoul(ones, &end, 0) == ULONG_MAX && errno == ERANGE &&
              *end == '\0');
  errno = 0;
  assert_true(__isoc23_strtoll(ones, &end, 0) == LLONG_MAX && errno == ERANGE);
}

/* Anything that is not a binary constant reads exactly as glibc's C17 functions read it. */
static void test_strto_same_as_c17(void **state) {
  (void)state;
  static const char *const texts[] = {
      "0", "42", "  -17 ", "+9", "0x1f", "0X", "017", "08", "z", "", "  ", "-",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "18446744073709551616", "0b", "0b2", "b101", "1b01", "- 0b1", "0x0b1"};
  static const int bases[] = {0, 2, 8, 10, 16, 36};
  for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
      const char *text = texts[t];
      int base = bases[b];
      char *mine, *theirs;
      errno = 0;
      long long a = __isoc23_strtoll(text, &mine, base);
      int mine_errno = errno;
      errno = 0;
      long long c = strtoll(text, &theirs, base);
      assert_true(a == c && mine == theirs && mine_errno == errno);
      errno = 0;
      unsigned long ua = __isoc23_strtoul(text, &mine, base);
      mine_errno = errno;
      errno = 0;
      unsigned long uc = strtoul(text, &theirs, base);
      if (ua != uc || mine != theirs || mine_errno != errno)
        fail_msg("strtoul(\"%s\", %d) differs from C17", text, base);
    }
  }
}

/* ---- sscanf ---------------------------------------------------------------------------- */

static void test_sscanf_binary(void **state) {
  (void)state;
  unsigned u = 0, v = 0;
  int i = 0, n = -1;
  assert_int_equal(__isoc23_sscanf("101", "%b", &u), 1);
  assert_int_equal(u, 5);
  assert_int_equal(__isoc23_sscanf("0b101 0B11", "%b %b", &u, &v), 2);
  assert_true(u == 5 && v == 3);
  assert_int_equal(__isoc23_sscanf("-1", "%b", &u), 1);
  assert_int_equal(u, UINT_MAX);
  unsigned char small = 0;
  assert_int_equal(__isoc23_sscanf("100000001", "%hhb", &small), 1);
  assert_int_equal(small, 1);
  unsigned long long big = 0;
  char ones[80];
  memset(ones, '1', 70);
  ones[70] = '\0';
  assert_int_equal(__isoc23_sscanf(ones, "%llb", &big), 1);
  assert_true(big == ULLONG_MAX);
  assert_int_equal(__isoc23_sscanf("2", "%b", &u), 0);    /* matching failure */
  assert_int_equal(__isoc23_sscanf("", "%b", &u), EOF);   /* input failure */
  assert_int_equal(__isoc23_sscanf("   ", "%b", &u), EOF);
  assert_int_equal(__isoc23_sscanf("1111", "%3b%b", &u, &v), 2);
  assert_true(u == 7 && v == 1);
  assert_int_equal(__isoc23_sscanf("1 10", "%*b%b", &u), 1);
  assert_int_equal(u, 2);
  assert_int_equal(__isoc23_sscanf("x11y", "x%by", &u), 1);
  assert_int_equal(u, 3);
  assert_int_equal(__isoc23_sscanf("  11 ", "%b%n", &u, &n), 1);
  assert_true(u == 3 && n == 4);

  assert_int_equal(__isoc23_sscanf("0b101", "%i%n", &i, &n), 1);
  assert_true(i == 5 && n == 5);
  assert_int_equal(__isoc23_sscanf(" -0B11", "%i", &i), 1);
  assert_int_equal(i, -3);
  assert_int_equal(__isoc23_sscanf("0b2", "%i%n", &i, &n), 1); /* "0", as C17 */
  assert_true(i == 0 && n == 1);
  assert_int_equal(__isoc23_sscanf("0b11", "%3i%n", &i, &n), 1); /* width counts "0b" */
  assert_true(i == 1 && n == 3);
  assert_int_equal(__isoc23_sscanf("0b1", "%2i%n", &i, &n), 1);
  assert_true(i == 0 && n == 1);
  char word[8] = "";
  int d = 0;
  assert_int_equal(__isoc23_sscanf("7 0b110 abc", "%d %i %7s", &d, &i, word), 3);
  assert_true(d == 7 && i == 6 && strcmp(word, "abc") == 0);
  long long wide = 0;
  assert_int_equal(__isoc23_sscanf("-0b1", "%lli", &wide), 1);
  assert_true(wide == -1);
}

/* Formats with %i on input without binary constants: the C23 reading (format taken in
 * pieces) must give what one glibc sscanf call gives — return value and every byte stored. */
typedef union {
  max_align_t align;
  char bytes[64];
} slot;

static void expect_sscanf_as_c17(const char *input, const char *format) {
  slot mine[5], theirs[5];
  memset(mine, 0xa5, sizeof mine);
  memset(theirs, 0xa5, sizeof theirs);
  int a = __isoc23_sscanf(input, format, &mine[0], &mine[1], &mine[2], &mine[3], &mine[4]);
  int b = sscanf(input, format, &theirs[0], &theirs[1], &theirs[2], &theirs[3], &theirs[4]);
  if (a != b || memcmp(mine, theirs, sizeof mine) != 0)
    fail_msg("sscanf(\"%s\", \"%s\"): C23 reading returned %d, glibc %d%s", input, format, a,
             b, a == b ? " (stored values differ)" : "");
}

static void test_sscanf_same_as_c17(void **state) {
  (void)state;
  static const char *const inputs[] = {
      "42", "  -17", "0x1f", "017", "+0", "", "   ", "x", "0x", "08", "99999999999999999999",
      "1 2", "12 34 56", "7,8", "a5b", "5%6", "3 word", "4x", "9 abc 10", "1\n2", "  8  ",
      "-3 -4", "1.5 2", "abc", "12abc34", "0xg", "5 ", "12345678", "ab]cd 3"};
  static const char *const formats[] = {
      "%i", "%i %i", "%2i%i", "%lli,%hhi", "%i%n", "%*i%i", "a%ib", "%i%%%i", "%i %s",
      "%i%c", "%i%[a-z]%i", "%i %n%i", "%3c%i", "%i%3s", " %i ", "%i\n%i", "%ji %zi",
      "%lf %i", "%hi", "%Li", "%qi %ti", "%i%[^]x]%i", "%n%i", "%i %*s %i", "%i%*c%n",
      "%4i%2i%n", "%s %i", "%[^ ] %i", "x%i", "%i x", "%*[a-z]%i%n"};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
    for (size_t f = 0; f < sizeof formats / sizeof *formats; f++)
      expect_sscanf_as_c17(inputs[i], formats[f]);
}

static void test_sscanf_without_binary_conversions(void **state) {
  (void)state;
  int a = 0, b = 0;
  char word[8];
  assert_int_equal(__isoc23_sscanf("4 5", "%d %d", &a, &b), 2); /* passed to glibc whole */
  assert_true(a == 4 && b == 5);
  assert_int_equal(__isoc23_sscanf("", "%d", &a), EOF);
  assert_int_equal(__isoc23_sscanf("ab", "%2$s %1$d", &a, word), 1);
  assert_string_equal(word, "ab");
}

/* ---- std::string::_M_replace_cold ---------------------------------------------------- */

/* Every string of up to 10 characters in a 24-byte buffer, every replaced range, every
 * source range inside the contents: the result is prefix + old source + tail. */
static void test_replace_cold_every_layout(void **state) {
  (void)state;
  enum { CAPACITY = 24, MAX_SIZE = 10 };
  char buffer[CAPACITY], original[CAPACITY], expected[CAPACITY];
  unsigned cases = 0;
  for (size_t size = 0; size <= MAX_SIZE; size++)
    for (size_t pos = 0; pos <= size; pos++)
      for (size_t len1 = 0; pos + len1 <= size; len1++)
        for (size_t from = 0; from <= size; from++)
          for (size_t len2 = 0; from + len2 <= size; len2++) {
            for (size_t k = 0; k < CAPACITY; k++)
              original[k] = (char)('A' + k);
            memcpy(buffer, original, CAPACITY);
            size_t tail = size - pos - len1;
            memcpy(expected, original, pos);
            memcpy(expected + pos, original + from, len2);
            memcpy(expected + pos + len2, original + pos + len1, tail);
            replace_cold(NULL, buffer + pos, len1, buffer + from, len2, tail);
            if (memcmp(buffer, expected, size - len1 + len2) != 0)
              fail_msg("size %zu pos %zu len1 %zu from %zu len2 %zu", size, pos, len1, from,
                       len2);
            cases++;
          }
  assert_true(cases > 10000);
}

/* ---- std::ios_base_library_init ------------------------------------------------------- */

static void test_ios_base_library_init(void **state) {
  (void)state;
  ios_base_library_init(); /* idempotent; the streams were made when the library loaded */
  ios_base_library_init();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strtol_binary),
      cmocka_unit_test(test_strto_other_types),
      cmocka_unit_test(test_strto_same_as_c17),
      cmocka_unit_test(test_sscanf_binary),
      cmocka_unit_test(test_sscanf_same_as_c17),
      cmocka_unit_test(test_sscanf_without_binary_conversions),
      cmocka_unit_test(test_replace_cold_every_layout),
      cmocka_unit_test(test_ios_base_library_init),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
