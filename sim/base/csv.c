#include "csv.h"

#include <stdbool.h>
#include <string.h>

void csv_put_field(FILE *f, const char *text)
{
    if (!strpbrk(text, ",\"\n")) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

uint32_t csv_split(char *line, char **fields, uint32_t max)
{
    uint32_t n = 0;
    char *c = line, *out = line; /* unquoting only ever shortens: in place is safe */
    while (n < max) {
        fields[n++] = out;
        if (*c == '"') {
            for (c++; *c && !(*c == '"' && c[1] != '"'); c++) {
                if (*c == '"')
                    c++;
                *out++ = *c;
            }
            if (*c == '"')
                c++;
        } else {
            while (*c && *c != ',' && *c != '\n' && *c != '\r')
                *out++ = *c++;
        }
        bool more = *c == ',';
        *out++ = '\0';
        if (!more)
            break;
        c++;
    }
    return n;
}
