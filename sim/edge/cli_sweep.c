/* `stampede sweep`: a scenario over a grid of settings, one summary row
 * per point (and variant), into sweep.csv in a stable order.
 *
 * Every point is validated before any runs, so bad input writes nothing.
 * -j N forks N workers; each takes the next row nobody has taken (a
 * counter in shared memory), so a long point keeps one worker busy while
 * the others go on with the rest. Each writes its rows, tagged with their
 * number, to a file of its own and reports each finished row on a pipe,
 * which drives the progress bar; the parent puts the rows in order, so the
 * output is the same whoever ran what. --shard I/N keeps the points p with p mod N = I - 1, so N
 * machines split a grid with no coordination, and `stampede merge` joins
 * their files into the sweep.csv one machine would have written. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS: the workers' shared row counter */
#include <errno.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/prctl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"
#include "progress.h"
#include "../base/numfmt.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "grid.h"
#include "loader.h"
#include "metrics_read.h"
#include "results.h"
#include "sweep_csv.h"

static const char USAGE[] =
    "usage: stampede sweep FILE --grid PATH=V1,V2,... [--grid ...] [--variant V]\n"
    "                           [-j N] [--shard I/N] [--seed N] [--set PATH=VALUE]...\n"
    "                           [--out DIR]\n"
    "\n"
    "Runs the scenario at every point of the grid (the cartesian product of the\n"
    "--grid axes, the first varying slowest) and writes sweep.csv: one row per\n"
    "point and variant, with the point's values and the summary metrics, under\n"
    "results/<scenario>/ or DIR. A value list may hold ranges: 1..5 (integers)\n"
    "and 0.1:1.0:0.1 (start:stop:step).\n"
    "\n"
    "  -j N           run N points at once in worker processes (default: the\n"
    "                 number of cores); a progress bar shows on a terminal\n"
    "  --shard I/N    run only the points p with p mod N = I - 1 (I from 1 to N);\n"
    "                 join the shards' sweep.csv files with `stampede merge`\n"
    "  --variant V    run only variant V\n"
    CLI_LIMITS_HELP;

struct sweep_options {
    const char *file;
    struct cli_common c;
    uint32_t jobs, shard, shards;
    struct grid grid;
};

/* One row to run: a point and one of its variants. */
struct job_row {
    uint64_t point;
    uint32_t variant;
};

static int parse_shard(const char *s, struct sweep_options *o)
{
    unsigned i, n;
    char tail;
    if (sscanf(s, "%u/%u%c", &i, &n, &tail) != 2 || n < 1 || i < 1 || i > n) {
        fprintf(stderr, "stampede: error: --shard: expected I/N with 1 <= I <= N, got '%s'\n", s);
        return 2;
    }
    o->shard = i, o->shards = n;
    return 0;
}

static int parse_options(int argc, char **argv, struct sweep_options *o)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cores > 0 ? (uint32_t)cores : 1;
    o->shard = o->shards = 1;
    o->c.accepts = CLI_OPT_SEED | CLI_OPT_SET | CLI_OPT_OUT | CLI_OPT_VARIANT | CLI_OPT_LIMITS;
    o->c.sets = xcalloc((size_t)argc + 1, sizeof *o->c.sets);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        int common = cli_common_option(&o->c, argc, argv, &i);
        if (common == 2)
            return 2;
        if (common)
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "--grid") && has_value) {
            char err[256];
            if (!grid_add_axis(&o->grid, argv[++i], err, sizeof err)) {
                fprintf(stderr, "stampede: error: --grid: %s\n", err);
                return 2;
            }
        } else if (!strcmp(a, "-j") && has_value) {
            uint64_t j;
            if (!cli_parse_count("-j", argv[++i], 1, 1024, &j))
                return 2;
            o->jobs = (uint32_t)j;
        } else if (!strcmp(a, "--shard") && has_value) {
            if (parse_shard(argv[++i], o))
                return 2;
        } else if (a[0] == '-' && a[1]) {
            return cli_bad_option("sweep", a, USAGE);
        } else if (!o->file) {
            o->file = a;
        } else {
            fprintf(stderr, "stampede: error: sweep takes one FILE, got '%s' too\n", a);
            return 2;
        }
    }
    if (!o->file || !o->grid.axis_count) {
        fprintf(stderr, "stampede: error: sweep needs a FILE and at least one --grid\n%s",
                USAGE);
        return 2;
    }
    return CLI_GO_ON;
}

/* The overrides of point p: the --set ones, then the grid's. */
static const char **point_sets(const struct sweep_options *o, uint64_t p, char **owned)
{
    const char **sets = xcalloc(o->c.set_count + o->grid.axis_count + 1, sizeof *sets);
    memcpy(sets, o->c.sets, o->c.set_count * sizeof *sets);
    uint32_t *index = xcalloc(o->grid.axis_count + 1, sizeof *index);
    grid_point(&o->grid, p, index);
    for (uint32_t k = 0; k < o->grid.axis_count; k++) {
        const struct grid_axis *a = &o->grid.axes[k];
        size_t n = strlen(a->path) + strlen(a->values[index[k]]) + 2;
        owned[k] = xmalloc(n);
        snprintf(owned[k], n, "%s=%s", a->path, a->values[index[k]]);
        sets[o->c.set_count + k] = owned[k];
    }
    free(index);
    return sets;
}

static enum loader_status load_point(const struct sweep_options *o, const char *file,
                                     uint64_t p, struct scenario_set *set, bool report)
{
    char **owned = xcalloc(o->grid.axis_count + 1, sizeof *owned);
    const char **sets = point_sets(o, p, owned);
    struct diag d;
    diag_init(&d, file);
    enum loader_status st =
        loader_load(file, sets, o->c.set_count + o->grid.axis_count, o->c.variant, set, &d);
    if (report)
        diag_print(&d, stderr);
    diag_release(&d);
    for (uint32_t k = 0; k < o->grid.axis_count; k++)
        free(owned[k]);
    free(owned);
    free(sets);
    return st;
}

/* Runs one row and returns its CSV line (malloc'ed), or NULL on failure. */
static char *run_row(const struct sweep_options *o, const char *file, struct job_row r)
{
    struct scenario_set set;
    if (load_point(o, file, r.point, &set, true) != LOAD_OK)
        return NULL;
    const struct scenario *sc = set.items[r.variant];
    uint64_t seed = o->c.has_seed ? o->c.seed : sc->seed;
    struct variant_run run = {.sc = sc, .limits = o->c.limits, .quiet = true, .no_files = true, .has_seed = true,
                              .seed = seed};
    char *summary = NULL;
    char *line = NULL;
    if (cli_run_variant(&run, &summary) == 0 && summary) {
        uint32_t *index = xcalloc(o->grid.axis_count + 1, sizeof *index);
        grid_point(&o->grid, r.point, index);
        const char **values = xcalloc(o->grid.axis_count + 1, sizeof *values);
        for (uint32_t k = 0; k < o->grid.axis_count; k++)
            values[k] = o->grid.axes[k].values[index[k]];
        line = sweep_csv_row(r.point, values, o->grid.axis_count, sc->variant, seed, summary);
        free(values);
        free(index);
    }
    free(summary);
    scenario_set_release(&set);
    return line;
}

static void progress(uint64_t done, uint64_t total, double started)
{
    double el = progress_clock_s() - started, rate = el > 0 ? (double)done / el : 0;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(stderr, "\r[%.*s%*s] %llu/%llu points, %.1f/s, %.0f s left ", fill,
            "==============================", width - fill, "", (unsigned long long)done,
            (unsigned long long)total, rate, rate > 0 ? (double)(total - done) / rate : 0.0);
    fflush(stderr);
}

/* across processes, an atomic is only safe if it needs no lock */
_Static_assert(ATOMIC_LONG_LOCK_FREE == 2 && sizeof(unsigned long) == sizeof(uint64_t),
               "the workers' shared counter must be a lock-free 64-bit atomic");

/* A worker: runs the next row not yet taken (`next`, shared by all the
 * workers) until none is left; writes "row\tline" to `path` and a byte per
 * finished row to `ping`. Exits 0, or 1 if a row failed. */
static int worker(const struct sweep_options *o, const char *file, const struct job_row *rows,
                  uint64_t count, _Atomic uint64_t *next, const char *path, int ping)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 1;
    int rc = 0;
    for (uint64_t r = atomic_fetch_add(next, 1); r < count && !rc;
         r = atomic_fetch_add(next, 1)) {
        char *line = run_row(o, file, rows[r]);
        if (!line) {
            rc = 1;
            break;
        }
        fprintf(f, "%llu\t%s", (unsigned long long)r, line);
        free(line);
        if (ping >= 0 && write(ping, "", 1) < 0)
            ping = -1;
    }
    if (fclose(f) != 0)
        rc = 1;
    return rc;
}

/* Runs every row in `jobs` processes; lines[r] gets row r's line. */
static int run_all(const struct sweep_options *o, const char *file, const struct job_row *rows,
                   uint64_t count, char **lines, const char *dir)
{
    uint32_t n = o->jobs < count ? o->jobs : (uint32_t)(count ? count : 1);
    bool bar = isatty(STDERR_FILENO);
    double started = progress_clock_s();
    int fds[2];
    if (pipe(fds) != 0)
        return 3;
    _Atomic uint64_t *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (next == MAP_FAILED) {
        close(fds[0]), close(fds[1]);
        return 3;
    }
    atomic_init(next, 0);
    char **paths = xcalloc(n, sizeof *paths);
    pid_t *pids = xcalloc(n, sizeof *pids);
    /* Each worker's file: unique and created here, exclusively, before any
     * worker starts (two sweeps into one folder never share one, and a
     * planted link is never followed). */
    for (uint32_t k = 0; k < n; k++) {
        size_t len = strlen(dir) + 32;
        paths[k] = xmalloc(len);
        snprintf(paths[k], len, "%s/.sweep.%u.XXXXXX", dir, k);
        int fd = mkstemp(paths[k]);
        if (fd < 0) {
            fprintf(stderr, "stampede: error: sweep: %s: %s\n", dir, strerror(errno));
            for (uint32_t j = 0; j <= k; j++) {
                if (j < k)
                    remove(paths[j]);
                free(paths[j]);
            }
            free(paths), free(pids);
            close(fds[0]), close(fds[1]);
            munmap(next, sizeof *next);
            return 3;
        }
        close(fd);
    }
    for (uint32_t k = 0; k < n; k++) {
        fflush(NULL);
        pids[k] = fork();
        if (pids[k] == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM); /* no worker outlives the sweep */
            close(fds[0]);
            _exit(worker(o, file, rows, count, next, paths[k], fds[1]));
        }
    }
    close(fds[1]);
    uint64_t done = 0;
    char buf[256];
    ssize_t got;
    while ((got = read(fds[0], buf, sizeof buf)) > 0) {
        done += (uint64_t)got;
        if (bar)
            progress(done, count, started);
    }
    close(fds[0]);
    int rc = 0;
    if (interrupt_signal()) { /* stop the workers; their files go below */
        for (uint32_t k = 0; k < n; k++)
            if (pids[k] > 0)
                kill(pids[k], SIGTERM);
        rc = 128 + interrupt_signal();
    }
    for (uint32_t k = 0; k < n; k++) {
        int status = 0;
        pid_t ended = -1;
        if (pids[k] > 0)
            do
                ended = waitpid(pids[k], &status, 0);
            while (ended < 0 && errno == EINTR);
        if (!rc && (ended < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
            rc = 3;
    }
    if (bar)
        fputc('\n', stderr);
    for (uint32_t k = 0; k < n; k++) {
        FILE *f = rc ? NULL : fopen(paths[k], "rb");
        char *line = NULL;
        size_t cap = 0;
        while (f && getline(&line, &cap, f) > 0) {
            char *tab = strchr(line, '\t');
            unsigned long long r = strtoull(line, NULL, 10);
            if (tab && r < count && !lines[r])
                lines[r] = xstrdup(tab + 1);
        }
        free(line);
        if (f)
            fclose(f);
        remove(paths[k]);
        free(paths[k]);
    }
    free(paths);
    free(pids);
    munmap(next, sizeof *next);
    for (uint64_t r = 0; !rc && r < count; r++)
        if (!lines[r])
            rc = 3;
    return rc;
}

int cli_sweep(int argc, char **argv)
{
    struct sweep_options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_GO_ON) {
        grid_release(&o.grid);
        free(o.c.sets);
        return rc;
    }
    rc = 0;
    char *file = cli_resolve_scenario(o.file);
    /* validate every point first: bad input writes nothing */
    uint32_t variants = 0;
    char name[128] = "";
    for (uint64_t p = 0; p < o.grid.points && !rc; p++) {
        struct scenario_set set;
        enum loader_status st = load_point(&o, file, p, &set, true);
        if (st != LOAD_OK) {
            rc = (int)st;
            break;
        }
        variants = set.count;
        snprintf(name, sizeof name, "%s", set.items[0]->name);
        scenario_set_release(&set);
    }
    uint64_t count = 0;
    struct job_row *rows = NULL;
    if (!rc) {
        rows = xcalloc(o.grid.points * variants + 1, sizeof *rows);
        for (uint64_t p = 0; p < o.grid.points; p++)
            if (p % o.shards == o.shard - 1)
                for (uint32_t v = 0; v < variants; v++)
                    rows[count++] = (struct job_row){p, v};
    }
    char dir[4096];
    if (o.c.out)
        snprintf(dir, sizeof dir, "%s", o.c.out);
    else
        snprintf(dir, sizeof dir, "results/%s", name);
    char **lines = xcalloc(count + 1, sizeof *lines);
    if (!rc && results_make_dirs(dir) != 0) {
        fprintf(stderr, "stampede: error: %s: cannot create: %s\n", dir, strerror(errno));
        rc = 3;
    }
    int ran = 0; /* what running the points gave (its failure is not the folder's) */
    if (!rc)
        rc = ran = run_all(&o, file, rows, count, lines, dir);
    if (!rc) {
        const char **paths = xcalloc(o.grid.axis_count + 1, sizeof *paths);
        for (uint32_t k = 0; k < o.grid.axis_count; k++)
            paths[k] = o.grid.axes[k].path;
        char path[4200];
        snprintf(path, sizeof path, "%s/sweep.csv", dir);
        if (sweep_csv_write(path, paths, o.grid.axis_count, (const char *const *)lines, count) !=
            0) {
            fprintf(stderr, "stampede: error: %s: cannot write: %s\n", path, strerror(errno));
            rc = 3;
        } else {
            printf("%s: %llu points x %u variant%s%s, %llu rows in %s\n", name,
                   (unsigned long long)o.grid.points, variants, variants > 1 ? "s" : "",
                   o.shards > 1 ? " (this shard's share)" : "", (unsigned long long)count, path);
        }
        free(paths);
    } else if (ran == 3) {
        fprintf(stderr, "stampede: error: sweep: a point failed to run; nothing written\n");
    } else if (rc > 128) {
        fprintf(stderr, "stampede: sweep interrupted; its workers stopped, nothing written\n");
    }
    for (uint64_t r = 0; r < count; r++)
        free(lines[r]);
    free(lines);
    free(rows);
    free(file);
    grid_release(&o.grid);
    free(o.c.sets);
    return rc;
}
