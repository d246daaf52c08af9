/* `stampede merge`: the sweep.csv files of a sharded sweep joined into the
 * one a single run would have written, or a refusal naming the file and
 * line that is wrong. Shards come from machines and job arrays that fail
 * in ordinary ways (a copy cut short, a shard taken twice, one left out, a
 * file edited by hand), so every row is checked before anything is
 * written: its field count against the header, a complete last line, the
 * point and seed numbers, the same variants at every point, each point in
 * one shard with one set of grid values, and every point of the grid there
 * once. The work is O(rows log rows). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/csv.h"
#include "../base/outfile.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "interrupt.h"
#include "cli_internal.h"
#include "sweep_csv.h"

#define MAX_COLUMNS 4096

struct row {
    unsigned long long point;
    uint32_t source, line; /* which shard, and where in it (1-based) */
    char *text;            /* the record as read, newline included */
    char **field;          /* into copy */
    char *copy;
};

struct merge {
    const char **inputs;
    char **paths;
    uint32_t input_count;
    char *header;
    uint32_t columns, axes; /* axes: the columns between point and variant */
    char **header_field;
    char *header_copy;
    struct row *rows;
    size_t count, cap;
};

static const char MERGE_USAGE[] =
    "usage: stampede merge SHARD... [-o FILE]\n"
    "\n"
    "Joins the sweep.csv files of a sweep's shards (files, or folders holding\n"
    "one) into the sweep.csv a single run would have written (FILE, default\n"
    "sweep.csv). Every row is checked first (its number of fields, a complete\n"
    "last line, the same variants at every point, each point in one shard\n"
    "with one set of grid values, every point of the grid there once); a bad\n"
    "one is named by file and line, and nothing is written (exit 2).\n";

static bool digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* One CSV record: a line, or several while a quoted field holds a line
 * break. NULL at the end of the file. Counts the lines it consumed. */
static char *read_record(FILE *f, uint32_t *line_no)
{
    char *rec = NULL, *line = NULL;
    size_t len = 0, cap = 0;
    bool quoted = false;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        ++*line_no;
        rec = xreallocarray(rec, len + (size_t)n + 1, 1);
        memcpy(rec + len, line, (size_t)n + 1);
        len += (size_t)n;
        for (ssize_t i = 0; i < n; i++)
            quoted ^= line[i] == '"';
        if (!quoted)
            break;
    }
    free(line);
    return rec;
}

static uint32_t split_copy(const char *text, char **copy, char ***fields)
{
    static char *scratch[MAX_COLUMNS + 1];
    *copy = xstrdup(text);
    uint32_t n = csv_split(*copy, scratch, MAX_COLUMNS + 1);
    *fields = xcalloc(n ? n : 1, sizeof **fields);
    memcpy(*fields, scratch, n * sizeof *scratch);
    return n;
}

static int bad(const char *path, uint32_t line, const char *why)
{
    fprintf(stderr, "stampede: error: %s:%u: %s\n", path, line, why);
    return 2;
}

static int take_header(struct merge *m, uint32_t s, const char *text)
{
    const char *path = m->paths[s];
    if (!m->header) {
        m->header = xstrdup(text);
        m->columns = split_copy(text, &m->header_copy, &m->header_field);
        uint32_t k = 1;
        while (k < m->columns && strcmp(m->header_field[k], "variant"))
            k++;
        m->axes = k - 1;
        if (m->columns > MAX_COLUMNS || m->columns < 3 || strcmp(m->header_field[0], "point") ||
            k + 1 >= m->columns || strcmp(m->header_field[k + 1], "seed"))
            return bad(path, 1, "not a sweep.csv (its header should read point,...,variant,seed,...)");
        return 0;
    }
    if (strcmp(m->header, text) != 0) {
        fprintf(stderr, "stampede: error: %s:1: its header differs from %s's: not a shard of the "
                        "same sweep\n", path, m->paths[0]);
        return 2;
    }
    return 0;
}

static int take_row(struct merge *m, uint32_t s, uint32_t line, char *text)
{
    const char *path = m->paths[s];
    char why[160];
    size_t len = strlen(text);
    if (len == 0 || text[len - 1] != '\n') {
        free(text);
        return bad(path, line, "the last row is cut short (no line end): a copy that did not finish?");
    }
    struct row r = {.source = s, .line = line, .text = text};
    uint32_t n = split_copy(text, &r.copy, &r.field);
    int rc = 0;
    if (n != m->columns) {
        snprintf(why, sizeof why, "%u fields where the header has %u", n, m->columns);
        rc = bad(path, line, why);
    } else if (!digits(r.field[0])) {
        rc = bad(path, line, "the point is not a number");
    } else if (!digits(r.field[m->axes + 2])) {
        rc = bad(path, line, "the seed is not a number");
    } else if (!*r.field[m->axes + 1]) {
        rc = bad(path, line, "no variant");
    } else {
        errno = 0;
        r.point = strtoull(r.field[0], NULL, 10);
        if (errno)
            rc = bad(path, line, "the point is out of range");
    }
    if (rc) {
        free(r.text), free(r.copy), free(r.field);
        return rc;
    }
    if (m->count == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->rows = xreallocarray(m->rows, m->cap, sizeof *m->rows);
    }
    m->rows[m->count++] = r;
    return 0;
}

static int read_shard(struct merge *m, uint32_t s)
{
    const char *path = m->paths[s];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "stampede: error: %s: %s\n", path, strerror(errno));
        return 2;
    }
    uint32_t line = 0, at;
    int rc = 0;
    char *text;
    bool first = true;
    while (!rc && (at = line + 1, text = read_record(f, &line))) {
        if (first) {
            first = false;
            rc = take_header(m, s, text);
            free(text);
        } else {
            rc = take_row(m, s, at, text);
        }
        if (!rc && (line & 1023) == 0 && interrupt_signal())
            rc = 128 + interrupt_signal();
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, "stampede: error: %s: %s\n", path, strerror(errno));
        rc = 2;
    }
    if (!rc && first)
        rc = bad(path, 1, "empty: not a sweep.csv");
    fclose(f);
    return rc;
}

static int by_point(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    if (x->source != y->source)
        return x->source < y->source ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Checks one point's rows [from, to) against the first point's variants. */
static int check_point(const struct merge *m, size_t from, size_t to, size_t first_to)
{
    const struct row *r = m->rows;
    const uint32_t v = m->axes + 1;
    char why[320];
    for (size_t i = from + 1; i < to; i++) {
        if (r[i].source != r[from].source) {
            fprintf(stderr, "stampede: error: merge: point %llu is in two shards: %s:%u and "
                            "%s:%u\n", r[i].point, m->paths[r[from].source], r[from].line,
                    m->paths[r[i].source], r[i].line);
            return 2;
        }
        for (uint32_t k = 1; k <= m->axes; k++)
            if (strcmp(r[i].field[k], r[from].field[k])) {
                snprintf(why, sizeof why, "point %llu has %s = %.60s where line %u says %.60s",
                         r[i].point, m->header_field[k], r[i].field[k], r[from].line,
                         r[from].field[k]);
                return bad(m->paths[r[i].source], r[i].line, why);
            }
        for (size_t j = from; j < i; j++)
            if (!strcmp(r[i].field[v], r[j].field[v])) {
                snprintf(why, sizeof why, "point %llu's variant '%.60s' again (line %u has it)",
                         r[i].point, r[i].field[v], r[j].line);
                return bad(m->paths[r[i].source], r[i].line, why);
            }
    }
    /* every point runs the same variants, in the same order; the names are
     * compared in place, and searched only to explain a difference */
    bool same = to - from == first_to;
    for (size_t i = 0; same && i < first_to; i++)
        same = !strcmp(r[from + i].field[v], r[i].field[v]);
    if (same)
        return 0;
    for (size_t i = 0; i < first_to; i++) {
        size_t j = from;
        while (j < to && strcmp(r[j].field[v], r[i].field[v]))
            j++;
        if (j == to) {
            snprintf(why, sizeof why, "point %llu lacks variant '%.60s' (point %llu has it)",
                     r[from].point, r[i].field[v], r[0].point);
            return bad(m->paths[r[to - 1].source], r[to - 1].line, why);
        }
    }
    for (size_t j = from; j < to; j++) {
        size_t i = 0;
        while (i < first_to && strcmp(r[j].field[v], r[i].field[v]))
            i++;
        if (i == first_to) {
            snprintf(why, sizeof why, "point %llu has variant '%.60s', which point %llu has not",
                     r[j].point, r[j].field[v], r[0].point);
            return bad(m->paths[r[j].source], r[j].line, why);
        }
    }
    snprintf(why, sizeof why, "point %llu runs its variants in another order than point %llu",
             r[from].point, r[0].point);
    return bad(m->paths[r[from].source], r[from].line, why);
}

static const struct merge *sorting; /* for the comparators below (qsort has no context) */
static uint32_t sorting_axis;

static int by_axis_value(const void *a, const void *b)
{
    const struct row *x = &sorting->rows[*(const size_t *)a], *y = &sorting->rows[*(const size_t *)b];
    return strcmp(x->field[sorting_axis + 1], y->field[sorting_axis + 1]);
}

static int by_grid_values(const void *a, const void *b)
{
    const struct row *x = &sorting->rows[*(const size_t *)a], *y = &sorting->rows[*(const size_t *)b];
    for (uint32_t k = 1; k <= sorting->axes; k++) {
        int c = strcmp(x->field[k], y->field[k]);
        if (c)
            return c;
    }
    return x->point < y->point ? -1 : x->point > y->point;
}

/* The points 0..N-1 all there, N the product of each axis' distinct
 * values, and no two points with the same grid values. */
static int check_grid(struct merge *m)
{
    size_t points = 0;
    size_t *first = xcalloc(m->count, sizeof *first); /* the first row of each point */
    int rc = 0;
    for (size_t i = 0; i < m->count && !rc; i++) {
        if (i > 0 && m->rows[i].point == m->rows[i - 1].point)
            continue;
        if (m->rows[i].point != points) {
            fprintf(stderr, "stampede: error: merge: point %zu is missing\n", points);
            rc = 2;
        }
        first[points++] = i;
    }
    sorting = m;
    uint64_t grid = 1;
    for (uint32_t k = 0; k < m->axes && !rc; k++) {
        sorting_axis = k;
        qsort(first, points, sizeof *first, by_axis_value);
        uint64_t distinct = points ? 1 : 0;
        for (size_t i = 1; i < points; i++)
            distinct += by_axis_value(&first[i - 1], &first[i]) != 0;
        grid = grid > UINT64_MAX / (distinct ? distinct : 1) ? UINT64_MAX : grid * distinct;
    }
    if (!rc) {
        qsort(first, points, sizeof *first, by_grid_values);
        for (size_t i = 1; i < points && !rc; i++) {
            const struct row *a = &m->rows[first[i - 1]], *b = &m->rows[first[i]];
            bool same = true;
            for (uint32_t k = 1; k <= m->axes && same; k++)
                same = !strcmp(a->field[k], b->field[k]);
            if (same) {
                fprintf(stderr, "stampede: error: merge: points %llu (%s:%u) and %llu (%s:%u) "
                                "have the same grid values\n", a->point, m->paths[a->source],
                        a->line, b->point, m->paths[b->source], b->line);
                rc = 2;
            }
        }
    }
    if (!rc && points != grid) {
        fprintf(stderr, "stampede: error: merge: %zu of the grid's %llu points are there\n",
                points, (unsigned long long)grid);
        rc = 2;
    }
    free(first);
    return rc;
}

static int write_merged(const struct merge *m, const char *out)
{
    struct outfile o;
    if (outfile_open(&o, out) != 0) {
        fprintf(stderr, "stampede: error: %s: cannot write: %s\n", out, strerror(errno));
        return 3;
    }
    fputs(m->header, o.f);
    for (size_t i = 0; i < m->count; i++) {
        fputs(m->rows[i].text, o.f);
        if ((i & 4095) == 0 && interrupt_signal()) {
            outfile_discard(&o);
            return 128 + interrupt_signal();
        }
    }
    if (outfile_commit(&o) != 0) {
        fprintf(stderr, "stampede: error: %s: cannot write: %s\n", out, strerror(errno));
        return 3;
    }
    return 0;
}

static void release(struct merge *m)
{
    for (size_t i = 0; i < m->count; i++)
        free(m->rows[i].text), free(m->rows[i].copy), free(m->rows[i].field);
    for (uint32_t s = 0; s < m->input_count; s++)
        free(m->paths[s]);
    free(m->rows), free(m->paths), free(m->inputs);
    free(m->header), free(m->header_copy), free(m->header_field);
}

int sweep_csv_merge_main(int argc, char **argv)
{
    const char *out = "sweep.csv";
    struct merge m = {.inputs = xcalloc((size_t)argc + 1, sizeof *m.inputs)};
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(MERGE_USAGE, stdout);
            release(&m);
            return 0;
        }
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            release(&m);
            return cli_bad_option("merge", argv[i], MERGE_USAGE);
        } else
            m.inputs[m.input_count++] = argv[i];
    }
    if (!m.input_count) {
        fputs(MERGE_USAGE, stderr);
        release(&m);
        return 2;
    }
    m.paths = xcalloc(m.input_count, sizeof *m.paths);
    for (uint32_t s = 0; s < m.input_count; s++) {
        struct stat st;
        bool dir = stat(m.inputs[s], &st) == 0 && S_ISDIR(st.st_mode);
        size_t n = strlen(m.inputs[s]) + 16;
        m.paths[s] = xmalloc(n);
        snprintf(m.paths[s], n, dir ? "%s/sweep.csv" : "%s", m.inputs[s]);
    }
    int rc = 0;
    struct stat *st = xcalloc(m.input_count, sizeof *st);
    for (uint32_t s = 0; s < m.input_count; s++)
        if (stat(m.paths[s], &st[s]) != 0)
            st[s].st_ino = 0; /* unreadable: reported when read */
    for (uint32_t s = 0; s < m.input_count && !rc; s++)
        for (uint32_t t = 0; t < s && !rc; t++)
            if (st[s].st_ino && st[s].st_dev == st[t].st_dev && st[s].st_ino == st[t].st_ino) {
                fprintf(stderr, "stampede: error: merge: %s is given twice (as %s too)\n",
                        m.paths[s], m.paths[t]);
                rc = 2;
            }
    free(st);
    for (uint32_t s = 0; s < m.input_count && !rc; s++)
        rc = read_shard(&m, s);
    if (!rc && m.count == 0) { /* a header alone is no sweep either */
        fprintf(stderr, "stampede: error: merge: the shards hold no points\n");
        rc = 2;
    }
    if (!rc) {
        qsort(m.rows, m.count, sizeof *m.rows, by_point);
        size_t first_to = 0;
        while (first_to < m.count && m.rows[first_to].point == m.rows[0].point)
            first_to++;
        for (size_t from = 0, to; from < m.count && !rc; from = to) {
            to = from + 1;
            while (to < m.count && m.rows[to].point == m.rows[from].point)
                to++;
            rc = check_point(&m, from, to, first_to);
        }
    }
    if (!rc)
        rc = check_grid(&m);
    if (!rc && interrupt_signal())
        rc = 128 + interrupt_signal();
    if (!rc && !(rc = write_merged(&m, out)))
        printf("%zu rows from %u shards in %s\n", m.count, m.input_count, out);
    if (rc > 128)
        fprintf(stderr, "stampede: merge interrupted; nothing written\n");
    release(&m);
    return rc;
}
