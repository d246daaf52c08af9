/* detmath: elementary functions with the same last bit on every platform.
 *
 * glibc, musl and macOS disagree in the last bit of log() and exp(), and a
 * single differing bit in one variate changes every event after it. These
 * routines use only + - * / (exactly rounded by IEEE 754), frexp/ldexp
 * (exact) and fixed polynomials, so with -ffp-contract=off their results are
 * bit-identical everywhere. Accuracy is within a few ulp of the true value,
 * far below anything the simulator reports. */
#ifndef STAMPEDE_DETMATH_H
#define STAMPEDE_DETMATH_H

/* Natural logarithm of x > 0 (returns -inf for 0, NaN for x < 0). */
double det_log(double x);
/* e^x; 0 below about -745, +inf above about 709.78. */
double det_exp(double x);
/* sin(x) for |x| <= 6e6 (NaN beyond: reduce the argument first). */
double det_sin(double x);
/* x^y for x > 0, as exp(y log x). */
double det_pow(double x, double y);

#endif
