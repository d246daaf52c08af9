#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/outfile.h"
#include "../base/spell.h"
#include "../base/xalloc.h"
#include "cli_internal.h"
#include "interrupt.h"
#include "json.h"
#include "loader.h"
#include "results.h"
#include "sweep_csv.h"

#include "version.h"
#include "viz_exec.h"

static const char USAGE[] =
    "usage: stampede <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE        run a scenario, write results, print a summary\n"
    "  validate FILE...  check scenarios without running them\n"
    "  check FILE...   run scenarios and judge their expect lines (exit 1 on failure)\n"
    "  compare FILE    run a scenario's variants and print them side by side\n"
    "  sweep FILE      run a scenario over a grid of settings into sweep.csv\n"
    "  merge SHARD...  join the sweep.csv files of a sharded sweep\n"
    "  plot DIR|CSV    draw results (or a sweep's heatmap) into a PNG\n"
    "  view FILE       watch a scenario run, live, in a window\n"
    "  list            the bundled scenarios\n"
    "  help [COMMAND]  this, or what a command does\n"
    "  version         the program's version\n"
    "\n"
    "FILE may also be the name of a bundled scenario (see `stampede list`).\n"
    "`stampede help COMMAND` (or `stampede COMMAND --help`) describes each command.\n"
    "\n"
    "exit codes: 0 done, 1 an expectation failed (check), 2 bad input or usage,\n"
    "3 could not complete (cannot write results, folder busy, out of memory),\n"
    "130/143 interrupted (SIGINT/SIGTERM).\n";

static const char RUN_USAGE[] =
    "usage: stampede run FILE [--variant V] [--seed N] [--set PATH=VALUE]... [--out DIR]\n"
    "                         [--quiet] [--stats] [--plot]\n"
    "\n"
    "Runs every variant of the scenario (or only --variant V) and writes\n"
    "summary.json, timeseries.csv, services.csv, policies.csv, edges.csv,\n"
    "instances.csv and events.csv to\n"
    "results/<scenario>/<variant>/ (or DIR/<variant>/ with --out DIR;\n"
    "DIR itself when the scenario has no variants).\n"
    "\n"
    "  --variant V        run only variant V (\"default\" when there are none)\n"
    "  --seed N           override the scenario's seed\n"
    "  --set PATH=VALUE   override any key before validation, e.g.\n"
    "                     --set services.db.workers=16 --set policies.edge.timeout_ms=250\n"
    "  --out DIR          write results under DIR instead of results/<scenario>\n"
    "  --quiet            print no summary table and no progress line (on a\n"
    "                     terminal, a run past a second shows one on stderr)\n"
    "  --stats            print engine statistics (events/s, requests per CPU-second,\n"
    "                     peak memory) to stderr\n"
    "  --plot             also draw the graphs into plot.png beside the CSV files\n"
    CLI_LIMITS_HELP;

static const char VALIDATE_USAGE[] =
    "usage: stampede validate FILE...\n"
    "\n"
    "Checks each scenario (and each of its variants) without running it; prints\n"
    "every problem, one line each, and `FILE: ok` for valid files.\n"
    "Exit 0 when all are valid, 2 otherwise.\n";

static const char LIST_USAGE[] = "usage: stampede list\n\nLists the bundled scenarios with "
                                 "their titles.\n";

static bool is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

bool cli_parse_count(const char *option, const char *value, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(value, &end, 10);
    if (errno || *end || !*value || value[0] == '-' || x < min || x > max) {
        if (max == UINT64_MAX)
            fprintf(stderr, "stampede: error: %s: expected an integer >= %llu, got '%s'\n",
                    option, (unsigned long long)min, value);
        else
            fprintf(stderr, "stampede: error: %s: expected an integer from %llu to %llu, got "
                            "'%s'\n",
                    option, (unsigned long long)min, (unsigned long long)max, value);
        return false;
    }
    *out = x;
    return true;
}

int cli_common_option(struct cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (*i + 1 >= argc)
        return 0;
    const char *value = argv[*i + 1];
    uint64_t n;
    if (!strcmp(a, "--seed") && (c->accepts & CLI_OPT_SEED)) {
        if (!cli_parse_count(a, value, 0, UINT64_MAX, &c->seed))
            return 2;
        c->has_seed = true;
    } else if (!strcmp(a, "--set") && (c->accepts & CLI_OPT_SET)) {
        c->sets[c->set_count++] = value;
    } else if (!strcmp(a, "--out") && (c->accepts & CLI_OPT_OUT)) {
        c->out = value;
    } else if (!strcmp(a, "--variant") && (c->accepts & CLI_OPT_VARIANT)) {
        c->variant = value;
    } else if (!strcmp(a, "--max-events") && (c->accepts & CLI_OPT_LIMITS)) {
        if (!cli_parse_count(a, value, 1, UINT64_MAX, &c->limits.max_events))
            return 2;
    } else if (!strcmp(a, "--max-output-mb") && (c->accepts & CLI_OPT_LIMITS)) {
        if (!cli_parse_count(a, value, 1, UINT64_MAX / 2, &c->limits.max_output_mib))
            return 2;
    } else if (!strcmp(a, "--replications") && (c->accepts & CLI_OPT_REPLICATIONS)) {
        if (!cli_parse_count(a, value, 1, 1000, &n))
            return 2;
        c->replications = (uint32_t)n;
    } else {
        return 0;
    }
    ++*i;
    return 1;
}

/* The options a usage text names: "-j", "--max-events", ... (each once,
 * in order; NULL-terminated, the strings malloc'ed). */
static char **options_in(const char *usage)
{
    char **out = xcalloc(1, sizeof *out);
    size_t n = 0;
    for (const char *p = usage; *p; p++) {
        bool starts = *p == '-' && (p == usage || p[-1] == ' ' || p[-1] == '[' || p[-1] == '\n');
        const char *q = p + (p[1] == '-' ? 2 : 1);
        if (!starts || !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
            continue;
        while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-')
            q++;
        char *opt = xstrndup(p, (size_t)(q - p));
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = !strcmp(out[i], opt);
        if (seen) {
            free(opt);
        } else {
            out = xreallocarray(out, n + 2, sizeof *out);
            out[n++] = opt;
            out[n] = NULL;
        }
        p = q - 1;
    }
    return out;
}

int cli_bad_option(const char *command, const char *arg, const char *usage)
{
    char **known = options_in(usage);
    bool takes = false;
    for (char **k = known; *k && !takes; k++)
        takes = !strcmp(*k, arg);
    const char *closest = takes ? NULL : spell_closest(arg, (const char *const *)known);
    if (takes)
        fprintf(stderr, "stampede: error: %s: %s needs a value\n", command, arg);
    else if (closest)
        fprintf(stderr, "stampede: error: %s: unknown option '%s' (did you mean '%s'?)\n",
                command, arg, closest);
    else
        fprintf(stderr, "stampede: error: %s: unknown option '%s' (stampede help %s lists them)\n",
                command, arg, command);
    for (char **k = known; *k; k++)
        free(*k);
    free(known);
    return 2;
}

/* ---- run ---- */

struct run_options {
    const char *file;
    struct cli_common c;
    bool quiet, stats, plot;
};

static int parse_run_options(int argc, char **argv, struct run_options *o)
{
    memset(o, 0, sizeof *o);
    o->c.accepts = CLI_OPT_SEED | CLI_OPT_SET | CLI_OPT_OUT | CLI_OPT_VARIANT | CLI_OPT_LIMITS;
    o->c.sets = xcalloc((size_t)argc + 1, sizeof *o->c.sets);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int common = cli_common_option(&o->c, argc, argv, &i);
        if (common == 2)
            return 2;
        if (common)
            continue;
        if (is_help(a)) {
            fputs(RUN_USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--stats")) {
            o->stats = true;
        } else if (!strcmp(a, "--plot")) {
            o->plot = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_bad_option("run", a, RUN_USAGE);
        } else if (!o->file) {
            o->file = a;
        } else {
            fprintf(stderr, "stampede: error: run: more than one FILE ('%s', '%s')\n", o->file, a);
            return 2;
        }
    }
    if (!o->file) {
        fputs(RUN_USAGE, stderr);
        return 2;
    }
    return CLI_GO_ON;
}

static int cmd_run(int argc, char **argv)
{
    struct run_options o;
    int rc = parse_run_options(argc, argv, &o);
    if (rc != CLI_GO_ON) {
        free(o.c.sets);
        return rc;
    }
    char *file = cli_resolve_scenario(o.file);
    struct diag d;
    diag_init(&d, file);
    struct scenario_set set;
    enum loader_status st = loader_load(file, o.c.sets, o.c.set_count, o.c.variant, &set, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    free(file);
    free(o.c.sets);
    if (st != LOAD_OK)
        return (int)st;
    bool several = set.count > 1 || strcmp(set.items[0]->variant, "default") != 0;
    for (uint32_t i = 0; i < set.count && rc <= 0; i++) {
        if (i > 0 && !o.quiet)
            printf("\n");
        rc = cli_run_variant(&(struct variant_run){.sc = set.items[i], .limits = o.c.limits,
                                                   .out = o.c.out,
                                                   .several = several, .quiet = o.quiet,
                                                   .stats = o.stats, .plot = o.plot,
                                                   .has_seed = o.c.has_seed, .seed = o.c.seed},
                             NULL);
    }
    if (rc <= 0 && several && !o.c.variant) { /* every variant ran: the folder is theirs */
        char parent[4200];
        snprintf(parent, sizeof parent, o.c.out ? "%s" : "results/%s",
                 o.c.out ? o.c.out : set.items[0]->name);
        if (cli_variant_folder_done(parent, &set) != 0)
            rc = 3;
    }
    scenario_set_release(&set);
    return rc < 0 ? 0 : rc;
}

/* ---- validate ---- */

static int cmd_validate(int argc, char **argv)
{
    if (argc == 0 || is_help(argv[0])) {
        fputs(VALIDATE_USAGE, argc ? stdout : stderr);
        return argc ? 0 : 2;
    }
    int rc = 0;
    for (int i = 0; i < argc; i++) {
        char *file = cli_resolve_scenario(argv[i]);
        struct diag d;
        diag_init(&d, file);
        struct scenario_set set;
        enum loader_status st = loader_load(file, NULL, 0, NULL, &set, &d);
        diag_print(&d, stderr);
        if (st == LOAD_OK && cli_check_expect_names(file, &set)) {
            scenario_set_release(&set);
            st = LOAD_BAD_INPUT;
        }
        if (st == LOAD_OK) {
            printf("%s: ok (%u variant%s)\n", file, set.count, set.count == 1 ? "" : "s");
            scenario_set_release(&set);
        } else if ((int)st > rc) {
            rc = (int)st;
        }
        diag_release(&d);
        free(file);
    }
    return rc;
}

/* ---- list ---- */

static int cmd_list(int argc, char **argv)
{
    if (argc > 0) {
        fputs(LIST_USAGE, is_help(argv[0]) ? stdout : stderr);
        return is_help(argv[0]) ? 0 : 2;
    }
    return cli_list_scenarios(stdout);
}

static int cmd_merge(int argc, char **argv) { return sweep_csv_merge_main(argc, argv); }

/* The drawing commands are another program's (viz_exec.h says why). */
static int cmd_plot(int argc, char **argv) { return viz_exec("plot", argc, argv); }
static int cmd_view(int argc, char **argv) { return viz_exec("view", argc, argv); }

static const struct command {
    const char *name;
    int (*main)(int argc, char **argv);
} COMMANDS[] = {
    {"run", cmd_run},         {"validate", cmd_validate}, {"list", cmd_list},
    {"check", cli_check},     {"compare", cli_compare},   {"sweep", cli_sweep},
    {"plot", cmd_plot},       {"view", cmd_view},         {"merge", cmd_merge},
};
#define COMMAND_COUNT (sizeof COMMANDS / sizeof COMMANDS[0])

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (!strcmp(COMMANDS[i].name, name))
            return &COMMANDS[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    const char *names[COMMAND_COUNT + 3] = {"help", "version"};
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        names[i + 2] = COMMANDS[i].name;
    const char *closest = spell_closest(name, names);
    if (closest)
        fprintf(stderr, "stampede: error: unknown command '%s' (did you mean '%s'?)\n", name,
                closest);
    else
        fprintf(stderr, "stampede: error: unknown command '%s'\n%s", name, USAGE);
    return 2;
}

void cli_prepare(void)
{
    interrupt_install();
    json_use_xalloc();
    xalloc_set_failure_hook(outfile_remove_temporaries);
}

int cli_main(int argc, char **argv)
{
    cli_prepare();
    if (argc < 2 || is_help(argv[1])) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("stampede %s\n", STAMPEDE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "help")) { /* help, help CMD: the same as --help */
        if (argc < 3) {
            fputs(USAGE, stdout);
            return 0;
        }
        const struct command *c = find_command(argv[2]);
        if (!c)
            return unknown_command(argv[2]);
        char *help[] = {(char *)"--help", NULL};
        return c->main(1, help);
    }
    const struct command *c = find_command(cmd);
    return c ? c->main(argc - 2, argv + 2) : unknown_command(cmd);
}
