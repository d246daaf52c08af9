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
    "usage: stampede plot RESULT_DIR... [-o FILE.png|FILE.svg] [--size WxH] [--scale N]\n"
    "                     [--panels LIST]\n"
    "       stampede plot SWEEP.csv --metric NAME [--x AXIS] [--y AXIS] [--variant V]\n"
    "                                [-o FILE.png|FILE.svg] [--size WxH] [--scale N]\n"
    "\n"
    "Draws a run's results (a folder `run` wrote; several folders, or a folder\n"
    "of variants: all of them, side by side in the scenario's order) into a\n"
    "PNG, default RESULT_DIR/plot.png: load, latency, queues, utilisation and\n"
    "policy state over time, fault windows shaded. Past four columns the\n"
    "picture widens unless --size is given. Given a sweep.csv with two grid\n"
    "axes, draws a heatmap of one metric over them (default the first two\n"
    "axes; plot.png beside the CSV). No display is needed. -o FILE.svg draws\n"
    "the same picture as SVG (vector).\n"
    "\n"
    "  --size WxH   the picture's size in pixels (default 1400x1000, wider past\n"
    "               four columns, taller past five panels, times the scale)\n"
    "  --scale N    draw text, lines and marks N times as large (1 to 4), laid\n"
    "               out as for a picture N times smaller: --size 3840x2160\n"
    "               --scale 2 is the 1920x1080 picture, sharp on a 4K screen\n"
    "  --panels LIST  the panels, in this fixed order: load, outcomes, retries,\n"
    "               amplification, latency, queue, instances, util, waste, cache,\n"
    "               duplicates, policies (default: load,\n"
    "               latency, util, and the others when the runs have\n"
    "               something for them: queue when a service queued)\n";

static const char VIEW_USAGE[] =
    "usage: stampede view FILE [--variant V]... [--seed N] [--set PATH=VALUE]...\n"
    "                          [--speed X | --fast] [--size WxH] [--panels LIST]\n"
    "\n"
    "Opens a window whose graphs grow while the scenario runs, its variants\n"
    "side by side (the first four in the scenario's order, or those chosen\n"
    "with --variant; it names any it leaves out) on one clock. Keys: + and -\n"
    "change the speed, space pauses, . steps one window, r restarts, 1-7\n"
    "toggle series, s saves a PNG, h shows the keys and the whole description,\n"
    "q quits. Needs a display; `stampede plot` draws the same graphs into a\n"
    "PNG without one. On quitting it prints the drawing time per frame and\n"
    "each variant's last narrated event on stderr.\n"
    "\n"
    "  --speed X    simulated seconds per second (default: the run in ~30 s)\n"
    "  --fast       as fast as possible\n"
    "  --panels L   the panels to show, as for `stampede plot --panels`\n";

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

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A growing list of folder paths. */
struct dirs {
    char **path;
    unsigned n;
};

static void dirs_add(struct dirs *d, char *path)
{
    d->path = xreallocarray(d->path, d->n + 1, sizeof *d->path);
    d->path[d->n++] = path;
}

/* The variant names of dir/variants.txt, in the scenario's order (what a
 * full `run` writes), or NULL; a NULL-terminated list. */
static char **variant_order(const char *dir)
{
    char p[4200];
    if (snprintf(p, sizeof p, "%s/variants.txt", dir) >= (int)sizeof p)
        return NULL;
    FILE *f = fopen(p, "r");
    if (!f)
        return NULL;
    char **names = xcalloc(1, sizeof *names);
    size_t n = 0;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        names = xreallocarray(names, n + 2, sizeof *names);
        names[n++] = xstrdup(line);
        names[n] = NULL;
    }
    fclose(f);
    return names;
}

/* The result folders to draw from one input: the input itself, or its
 * variant folders: those variants.txt lists first, in the scenario's
 * order (the baseline first, as the scenario puts it), then any other in
 * name order. Returns how many it added. */
static unsigned result_dirs(const char *dir, struct dirs *out)
{
    if (has_file(dir, "timeseries.csv")) {
        dirs_add(out, xstrdup(dir));
        return 1;
    }
    struct dirs found = {0};
    DIR *d = opendir(dir);
    for (struct dirent *e = d ? readdir(d) : NULL; e; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        char p[4200];
        if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
            continue;
        if (is_dir(p) && has_file(p, "timeseries.csv"))
            dirs_add(&found, xstrdup(e->d_name));
    }
    if (d)
        closedir(d);
    if (found.n)
        qsort(found.path, found.n, sizeof *found.path, by_name);
    char **order = variant_order(dir);
    unsigned added = 0;
    for (char **o = order; o && *o; o++) /* the listed ones in the list's order... */
        for (unsigned i = 0; i < found.n; i++)
            if (found.path[i] && !strcmp(found.path[i], *o)) {
                dirs_add(out, join_path(dir, found.path[i]));
                free(found.path[i]);
                found.path[i] = NULL;
                added++;
            }
    for (unsigned i = 0; i < found.n; i++) /* ...then any other, by name */
        if (found.path[i]) {
            dirs_add(out, join_path(dir, found.path[i]));
            free(found.path[i]);
            added++;
        }
    for (char **o = order; o && *o; o++)
        free(*o);
    free(order);
    free(found.path);
    return added;
}

/* Columns narrower than this leave too little to read. */
#define MIN_COLUMN_PX 300

/* `run --plot`, and `plot DIR...`: the graphs of result folders into a
 * PNG, side by side in the order given (a scenario's folder stands for all
 * its variant folders, in the scenario's order). With no --size (w = 0),
 * the picture widens past four columns rather than squeeze them. */
int cli_plot_results(const char *const *inputs, unsigned count, const char *png, int w, int h,
                     int zoom, unsigned panels)
{
    struct dirs dirs = {0};
    int rc = 0;
    for (unsigned i = 0; i < count && !rc; i++)
        if (!result_dirs(inputs[i], &dirs)) {
            fprintf(stderr, "stampede: error: %s: no results here (timeseries.csv, or variant "
                            "folders holding one)\n", inputs[i]);
            rc = 2;
        }
    if (!rc && w == 0) {
        w = VIZ_PNG_W * zoom;
        if (dirs.n > 4)
            w = (int)dirs.n * VIZ_PNG_W * zoom / 4;
    }
    struct viz_series **runs = xcalloc(dirs.n + 1, sizeof *runs);
    char err[512] = "";
    for (unsigned i = 0; i < dirs.n && !rc; i++)
        if (!(runs[i] = viz_series_load(dirs.path[i], err, sizeof err)))
            rc = 2;
    if (!rc && !panels && runs[0]->view_panels[0]) /* the scenario's own choice */
        (void)viz_parse_panels(runs[0]->view_panels, &panels, err, sizeof err);
    if (!rc && h == 0) { /* five panels fit the default; more make it taller */
        unsigned shown = viz_panel_count(runs, dirs.n, panels);
        h = VIZ_PNG_H * zoom * (int)(shown > 5 ? shown : 5) / 5;
    }
    if (!rc && w / zoom / (int)dirs.n < MIN_COLUMN_PX)
        fprintf(stderr, "stampede: warning: %u results in %d px leave %d px each; --size %dx%d "
                        "reads better\n",
                dirs.n, w / zoom, w / zoom / (int)dirs.n, (int)dirs.n * VIZ_PNG_W * zoom / 4, h);
    size_t len = strlen(png);
    bool svg = len >= 4 && strcasecmp(png + len - 4, ".svg") == 0;
    if (!rc && svg && viz_plot_svg(runs, dirs.n, w / zoom, h / zoom, panels, png, err, sizeof err) != 0)
        rc = 3;
    else if (!rc && !svg && viz_plot_png(runs, dirs.n, w, h, zoom, panels, png, err, sizeof err) != 0)
        rc = 3;
    if (rc && err[0])
        fprintf(stderr, "stampede: error: %s\n", err);
    for (unsigned i = 0; i < dirs.n; i++) {
        viz_series_free(runs[i]);
        free(dirs.path[i]);
    }
    free(runs);
    free(dirs.path);
    return rc;
}

int cli_plot(int argc, char **argv)
{
    const char *out = NULL, *metric = NULL, *x = NULL, *y = NULL, *variant = NULL;
    const char *inputs[8];
    unsigned input_count = 0;
    int w = 0, h = 0; /* 0: the default, wider for many results */
    uint64_t zoom = 1;
    unsigned panels = 0;
    char why[200];
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
        } else if (!strcmp(a, "--scale") && v) {
            if (!cli_parse_count(a, argv[++i], 1, 4, &zoom))
                return 2;
        } else if (!strcmp(a, "--panels") && v) {
            if (!viz_parse_panels(argv[++i], &panels, why, sizeof why)) {
                fprintf(stderr, "stampede: error: plot: %s\n", why);
                return 2;
            }
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
    bool svg = len >= 4 && strcasecmp(out + len - 4, ".svg") == 0;
    if (out && !svg && (len < 4 || strcasecmp(out + len - 4, ".png") != 0)) {
        /* a picture under another name would mislead whoever opens it */
        fprintf(stderr, "stampede: error: plot: -o %s: plot writes FILE.png or FILE.svg\n", out);
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
        int rc = cli_plot_results(inputs, input_count, out ? out : def, w, h, (int)zoom, panels);
        if (!rc)
            printf("%s\n", out ? out : def);
        return rc;
    }
    const char *slash = strrchr(input, '/');
    snprintf(def, sizeof def, "%.*splot.png", slash ? (int)(slash - input + 1) : 0, input);
    char err[512] = "";
    int drawn = viz_heatmap(input, x, y, metric ? metric : "goodput_ratio", variant,
                            out ? out : def, w ? w : VIZ_PNG_W * (int)zoom,
                            h ? h : VIZ_PNG_H * (int)zoom, (int)zoom, err, sizeof err);
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
        } else if (!strcmp(a, "--panels") && v) {
            char why[200];
            if (!viz_parse_panels(argv[++i], &o.panels, why, sizeof why)) {
                fprintf(stderr, "stampede: error: view: %s\n", why);
                rc = 2;
            }
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
    uint32_t wanted_total = 0; /* every variant asked for, shown or not */
    for (uint32_t i = 0; i < set.count; i++) {
        bool wanted = only_count == 0;
        for (uint32_t k = 0; k < only_count; k++)
            wanted |= !strcmp(only[k], set.items[i]->variant);
        wanted_total += wanted;
    }
    if (n && wanted_total > n) { /* never a silent drop: say what is left out */
        fprintf(stderr, "stampede: note: view shows %u variants at once, in the scenario's order; "
                        "left out:", n);
        for (uint32_t i = 0, seen = 0; i < set.count; i++) {
            bool wanted = only_count == 0;
            for (uint32_t k = 0; k < only_count; k++)
                wanted |= !strcmp(only[k], set.items[i]->variant);
            if (wanted && seen++ >= n)
                fprintf(stderr, " %s", set.items[i]->variant);
        }
        fprintf(stderr, " (choose with --variant, or `stampede plot` draws them all)\n");
    }
    if (!n) {
        fprintf(stderr, "stampede: error: view: no variant named '%s'\n", only[0]);
        rc = 2;
    } else {
        if (!o.panels && pick[0]->view_panels) { /* the scenario's own choice */
            char why[200];
            (void)viz_parse_panels(pick[0]->view_panels, &o.panels, why, sizeof why);
        }
        rc = viz_view(pick, n, c.has_seed ? c.seed : pick[0]->seed, &o);
    }
    scenario_set_release(&set);
    free(c.sets), free(only);
    return rc;
}
