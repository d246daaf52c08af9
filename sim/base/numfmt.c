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
