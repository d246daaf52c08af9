#include "spell.h"

#include <string.h>

size_t spell_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *spell_closest(const char *word, const char *const *candidates)
{
    const char *closest = NULL;
    size_t best = 3;
    for (const char *const *c = candidates; *c; c++) {
        size_t d = spell_distance(*c, word);
        if (d < best)
            best = d, closest = *c;
    }
    return closest;
}
