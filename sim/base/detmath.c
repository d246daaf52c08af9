#include "detmath.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* ln 2 split so that e * LN2_HI is exact for |e| < 2^11 (fdlibm's split). */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double SQRT_HALF = 0.70710678118654752440;

/* frexp for finite x > 0 by bit manipulation: exact like libm's, but inline
 * (it sits on the path of every exponential variate). */
static double split_exponent(double x, int *e)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int biased = (int)(bits >> 52);
    int adjust = 0;
    if (biased == 0) { /* subnormal: scale into the normal range first */
        x *= 0x1p54;
        memcpy(&bits, &x, sizeof bits);
        biased = (int)(bits >> 52);
        adjust = -54;
    }
    *e = biased - 1022 + adjust;
    bits = (bits & 0x000fffffffffffffULL) | 0x3fe0000000000000ULL; /* [0.5, 1) */
    double m;
    memcpy(&m, &bits, sizeof m);
    return m;
}

double det_log(double x)
{
    if (x != x || x < 0)
        return NAN;
    if (x == 0)
        return -INFINITY;
    if (x == INFINITY)
        return INFINITY;
    int e;
    double m = split_exponent(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < SQRT_HALF) {
        m *= 2;
        e -= 1;
    }
    /* m in [sqrt(1/2), sqrt(2)): log m = 2 atanh(s) with |s| <= 0.1716, and
     * the series in z = s^2 <= 0.0295 reaches 2^-56 by its twelfth term. */
    double s = (m - 1) / (m + 1);
    double z = s * s;
    double p = 1.0 / 25;
    p = p * z + 1.0 / 23;
    p = p * z + 1.0 / 21;
    p = p * z + 1.0 / 19;
    p = p * z + 1.0 / 17;
    p = p * z + 1.0 / 15;
    p = p * z + 1.0 / 13;
    p = p * z + 1.0 / 11;
    p = p * z + 1.0 / 9;
    p = p * z + 1.0 / 7;
    p = p * z + 1.0 / 5;
    p = p * z + 1.0 / 3;
    p = p * z + 1.0;
    double k = (double)e;
    return k * LN2_HI + (2 * s * p + k * LN2_LO);
}

double det_exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return INFINITY;
    if (x < -745.2)
        return 0;
    /* x = k ln2 + r with |r| <= ln2/2; the Taylor series of e^r to r^15/15!
     * is then below 2^-60 relative error. */
    double k = floor(x * INV_LN2 + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.0 / 1307674368000.0;     /* 1/15! */
    p = p * r + 1.0 / 87178291200.0;      /* 1/14! */
    p = p * r + 1.0 / 6227020800.0;       /* 1/13! */
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return ldexp(p, (int)k);
}

double det_pow(double x, double y)
{
    if (x == 1 || y == 0)
        return 1;
    return det_exp(y * det_log(x));
}

double det_sin(double x)
{
    /* Reduce to [-pi, pi] with 2 pi split Cody-Waite style (the high part has
     * 33 significant bits, so k * TWO_PI_HI is exact for k < 2^20; the rest of
     * 2 pi is below 1.5e-26), then to [-pi/2, pi/2] by sin(pi - x) = sin(x);
     * the Taylor series to x^23/23! is then below 1e-17. */
    static const double TWO_PI_HI = 0x1.921fb544p+2;
    static const double TWO_PI_LO = 0x1.0b4611a626331p-32;
    static const double PI = 3.14159265358979311600e+00;
    static const double HALF_PI = 1.57079632679489655800e+00;
    if (x != x || x > 6e6 || x < -6e6)
        return NAN;
    double k = floor(x / TWO_PI_HI + 0.5);
    double r = (x - k * TWO_PI_HI) - k * TWO_PI_LO;
    if (r > HALF_PI)
        r = PI - r;
    else if (r < -HALF_PI)
        r = -PI - r;
    double z = r * r;
    double p = -1.0 / 25852016738884976640000.0; /* -1/23! */
    p = p * z + 1.0 / 51090942171709440000.0;    /* 1/21! */
    p = p * z - 1.0 / 121645100408832000.0;
    p = p * z + 1.0 / 355687428096000.0;
    p = p * z - 1.0 / 1307674368000.0;
    p = p * z + 1.0 / 6227020800.0;
    p = p * z - 1.0 / 39916800.0;
    p = p * z + 1.0 / 362880.0;
    p = p * z - 1.0 / 5040.0;
    p = p * z + 1.0 / 120.0;
    p = p * z - 1.0 / 6.0;
    p = p * z + 1.0;
    return r * p;
}
