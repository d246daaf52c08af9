#include "numfmt.h"

#include <stdio.h>
#include <stdlib.h>

char *numfmt_double(char *buf, double x)
{
    if (x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308) {
        snprintf(buf, NUMFMT_LEN, "null");
        return buf;
    }
    if (x == 0) { /* one zero, whatever its sign */
        snprintf(buf, NUMFMT_LEN, "0");
        return buf;
    }
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, NUMFMT_LEN, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

char *numfmt_short(char *buf, double x)
{
    double a = x < 0 ? -x : x;
    if (x != x || a == 1.0 / 0.0)
        snprintf(buf, NUMFMT_LEN, "null");
    else if (a >= 1e6)
        snprintf(buf, NUMFMT_LEN, "%.3e", x);
    else if (a >= 1000 || x == (double)(long long)x)
        snprintf(buf, NUMFMT_LEN, "%.0f", x);
    else
        snprintf(buf, NUMFMT_LEN, "%.4g", x);
    return buf;
}
