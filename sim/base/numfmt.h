/* numfmt: numbers printed the same way on every machine.
 *
 * Doubles are printed in the shortest decimal form that reads back to the
 * same bits (trying 15, 16, then 17 significant digits), which is
 * round-trip-safe and, given bit-identical doubles, byte-identical across
 * platforms with a correctly rounding printf (glibc, musl, macOS). */
#ifndef STAMPEDE_NUMFMT_H
#define STAMPEDE_NUMFMT_H

#define NUMFMT_LEN 32

/* Writes `x` into buf (at least NUMFMT_LEN bytes) and returns buf. NaN and
 * infinities come out as "null", the one spelling JSON and our CSVs share. */
char *numfmt_double(char *buf, double x);
/* For people, not for reading back: 4 significant digits, no exponent
 * below a million ("0.9987", "47.58", "1234", "12345"). */
char *numfmt_short(char *buf, double x);

#endif
