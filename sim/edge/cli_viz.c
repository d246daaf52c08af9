/* `stampede plot` and `stampede view`: the pictures (viz/) for the
 * command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>

#include "../../viz/viz.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "loader.h"

static const char PLOT_USAGE[] =
    "usage: stampede plot RESULT_DIR... [-o FILE.png] [--size WxH]\n"
    "       stampede plot SWEEP.csv --metric NAME [--x AXIS] [--y AXIS] [--variant V]\n"
    "                                [-o FILE.png] [--size WxH]\n"
    "\n"
    "Draws a run's results (a folder `run` wrote; several folders, or a folder\n"
    "of variants, side by side, four at most) into a PNG, default\n"
    "RESULT_DIR/plot.png: load,\n"
    "latency, queues, utilisation and policy state over time, fault windows\n"
    "shaded. Given a sweep.csv with two grid axes, draws a heatmap of one\n"
    "metric over them (default the first two axes; plot.png beside the CSV).\n"
    "No display is needed.\n";

static const char VIEW_USAGE[] =
    "usage: stampede view FILE [--variant V]... [--seed N] [--set PATH=VALUE]...\n"
    "                          [--speed X | --fast] [--size WxH]\n"
    "\n"
    "Opens a window whose graphs grow while the scenario runs, its variants\n"
    "side by side (up to four) on one clock. Keys: + and - change the speed,\n"
    "space pauses, . steps one window, r restarts, 1-7 toggle series, s saves\n"
    "a PNG, h shows the keys, q quits. Needs a display; `stampede plot` draws\n"
    "the same graphs into a PNG without one.\n"
    "\n"
    "  --speed X    simulated seconds per second (default: the run in ~30 s)\n"
    "  --fast       as fast as possible\n";

static bool parse_size(const char *s, int *w, int *h)
{
    char tail;
    if (sscanf(s, "%dx%d%c", w, h, &tail) != 2 || *w < 200 || *h < 200 || *w > 10000 ||
        *h > 10000) {
        fprintf(stderr, "stampede: error: --size: expected WxH from 200x200 to 10000x10000, got "
                        "'%s'\n", s);
        return false;
    }
    return true;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_file(const char *dir, const char *name)
{
    char p[4200];
    if (snprintf(p, sizeof p, "%s/%s", dir, name) >= (int)sizeof p)
        return false;
    struct stat st;
    return stat(p, &st) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The result folders to draw: DIR itself, or its variant folders in name
 * order (at most max). */
static unsigned result_dirs(const char *dir, char **out, unsigned max)
{
    if (has_file(dir, "timeseries.csv")) {
        out[0] = xstrdup(dir);
        return 1;
    }
    unsigned n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e = d ? readdir(d) : NULL; e && n < max; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        char p[4200];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        if (is_dir(p) && has_file(p, "timeseries.csv"))
            out[n++] = xstrdup(p);
    }
    if (d)
        closedir(d);
    qsort(out, n, sizeof *out, by_name);
    return n;
}

/* `run --plot`, and `plot DIR...`: the graphs of result folders into a
 * PNG, side by side in the order given (a scenario's folder stands for its
 * variant folders, in name order), four at most. */
int cli_plot_results(const char *const *inputs, unsigned count, const char *png, int w, int h)
{
    char *dirs[4];
    unsigned n = 0;
    for (unsigned i = 0; i < count && n < 4; i++) {
        unsigned got = result_dirs(inputs[i], dirs + n, 4 - n);
        if (!got) {
            fprintf(stderr, "stampede: error: %s: no results here (timeseries.csv, or variant "
                            "folders holding one)\n", inputs[i]);
            for (unsigned k = 0; k < n; k++)
                free(dirs[k]);
            return 2;
        }
        n += got;
    }
    struct viz_series *runs[4] = {0};
    char err[512] = "";
    int rc = 0;
    for (unsigned i = 0; i < n && !rc; i++)
        if (!(runs[i] = viz_series_load(dirs[i], err, sizeof err)))
            rc = 2;
    if (!rc && viz_plot_png(runs, n, w, h, png, err, sizeof err) != 0)
        rc = 3;
    if (rc)
        fprintf(stderr, "stampede: error: %s\n", err);
    for (unsigned i = 0; i < n; i++) {
        viz_series_free(runs[i]);
        free(dirs[i]);
    }
    return rc;
}

int cli_plot(int argc, char **argv)
{
    const char *out = NULL, *metric = NULL, *x = NULL, *y = NULL, *variant = NULL;
    const char *inputs[8];
    unsigned input_count = 0;
    int w = VIZ_PNG_W, h = VIZ_PNG_H;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool v = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(PLOT_USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "-o") && v) {
            out = argv[++i];
        } else if (!strcmp(a, "--size") && v) {
            if (!parse_size(argv[++i], &w, &h))
                return 2;
        } else if (!strcmp(a, "--metric") && v) {
            metric = argv[++i];
        } else if (!strcmp(a, "--x") && v) {
            x = argv[++i];
        } else if (!strcmp(a, "--y") && v) {
            y = argv[++i];
        } else if (!strcmp(a, "--variant") && v) {
            variant = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_bad_option("plot", a, PLOT_USAGE);
        } else if (input_count < 8) {
            inputs[input_count++] = a;
        } else {
            fprintf(stderr, "stampede: error: plot: at most 8 inputs\n");
            return 2;
        }
    }
    const char *input = input_count ? inputs[0] : NULL;
    if (!input) {
        fputs(PLOT_USAGE, stderr);
        return 2;
    }
    size_t len = out ? strlen(out) : 0;
    if (out && (len < 4 || strcasecmp(out + len - 4, ".png") != 0)) {
        /* a PNG under another name would mislead whoever opens it */
        fprintf(stderr, "stampede: error: plot: -o %s: plot writes PNG files only (FILE.png)\n",
                out);
        return 2;
    }
    char def[4200];
    if (is_dir(input)) {
        if (metric || x || y || variant) {
            fprintf(stderr, "stampede: error: plot: --metric, --x, --y and --variant go with a "
                            "sweep.csv\n");
            return 2;
        }
        snprintf(def, sizeof def, "%s/plot.png", input);
        int rc = cli_plot_results(inputs, input_count, out ? out : def, w, h);
        if (!rc)
            printf("%s\n", out ? out : def);
        return rc;
    }
    const char *slash = strrchr(input, '/');
    snprintf(def, sizeof def, "%.*splot.png", slash ? (int)(slash - input + 1) : 0, input);
    char err[512] = "";
    int drawn = viz_heatmap_png(input, x, y, metric ? metric : "goodput_ratio", variant,
                                out ? out : def, w, h, err, sizeof err);
    if (drawn != 0) {
        fprintf(stderr, "stampede: error: %s\n", err);
        return drawn == -2 ? 3 : 2; /* could not write, or could not draw that input */
    }
    printf("%s\n", out ? out : def);
    return 0;
}

int cli_view(int argc, char **argv)
{
    const char *file = NULL;
    const char **only = xcalloc(5, sizeof *only);
    uint32_t only_count = 0;
    /* --variant may be given up to four times here: parsed below, not as the common one */
    struct cli_common c = {.accepts = CLI_OPT_SEED | CLI_OPT_SET,
                           .sets = xcalloc((size_t)argc + 1, sizeof(const char *))};
    struct viz_view_options o = {0};
    int rc = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *a = argv[i];
        bool v = i + 1 < argc;
        int common = cli_common_option(&c, argc, argv, &i);
        if (common) {
            rc = common == 2 ? 2 : 0;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(VIEW_USAGE, stdout);
            rc = -1;
        } else if (!strcmp(a, "--variant") && v) {
            if (only_count < 4)
                only[only_count++] = argv[i + 1];
            i++;
        } else if (!strcmp(a, "--speed") && v) {
            char *end;
            o.speed = strtod(argv[++i], &end);
            if (*end || !(o.speed > 0)) {
                fprintf(stderr, "stampede: error: --speed: expected a number > 0\n");
                rc = 2;
            }
        } else if (!strcmp(a, "--fast")) {
            o.speed = -1;
        } else if (!strcmp(a, "--size") && v) {
            rc = parse_size(argv[++i], &o.width, &o.height) ? 0 : 2;
        } else if (!strcmp(a, "--keys") && v) { /* tests: scripted key presses */
            o.keys = argv[++i];
        } else if (!strcmp(a, "--screenshot") && v) {
            o.screenshot = argv[++i];
        } else if (!strcmp(a, "--max-wall-s") && v) { /* tests: quit after so long */
            char *end;
            o.max_wall_s = strtod(argv[++i], &end);
            if (*end || !(o.max_wall_s > 0)) {
                fprintf(stderr, "stampede: error: --max-wall-s: expected a number > 0\n");
                rc = 2;
            }
        } else if (a[0] == '-' && a[1]) {
            rc = cli_bad_option("view", a, VIEW_USAGE);
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "stampede: error: view takes one FILE\n");
            rc = 2;
        }
    }
    if (!rc && !file) {
        fputs(VIEW_USAGE, stderr);
        rc = 2;
    }
    if (rc) {
        free(c.sets), free(only);
        return rc < 0 ? 0 : rc;
    }
    char *path = cli_resolve_scenario(file);
    struct diag d;
    diag_init(&d, path);
    struct scenario_set set;
    enum loader_status st = loader_load(path, c.sets, c.set_count, NULL, &set, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    free(path);
    if (st != LOAD_OK) {
        free(c.sets), free(only);
        return (int)st;
    }
    const struct scenario *pick[4];
    unsigned n = 0;
    for (uint32_t i = 0; i < set.count && n < 4; i++) {
        bool wanted = only_count == 0;
        for (uint32_t k = 0; k < only_count; k++)
            wanted |= !strcmp(only[k], set.items[i]->variant);
        if (wanted)
            pick[n++] = set.items[i];
    }
    if (!n) {
        fprintf(stderr, "stampede: error: view: no variant named '%s'\n", only[0]);
        rc = 2;
    } else {
        rc = viz_view(pick, n, c.has_seed ? c.seed : pick[0]->seed, &o);
    }
    scenario_set_release(&set);
    free(c.sets), free(only);
    return rc;
}
