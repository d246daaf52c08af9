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

#endif
