/* cli_internal: the bundled-scenario helpers shared by the commands. */
#ifndef STAMPEDE_CLI_INTERNAL_H
#define STAMPEDE_CLI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../model/scenario.h"

struct scenario_set;

/* `arg` itself when it is a readable file, else the bundled scenario of that
 * name when there is one, else `arg` (so the loader reports it). Malloc'ed. */
char *cli_resolve_scenario(const char *arg);
/* Prints "name  title" for each bundled scenario; returns an exit code. */
int cli_list_scenarios(FILE *out);

/* How to run one variant. */
/* How much a run may ask for, estimated before it starts (0: the default). */
struct run_limits {
    uint64_t max_events;     /* engine events */
    uint64_t max_output_mib; /* CSV written */
};
#define RUN_DEFAULT_MAX_EVENTS 10000000000ull /* ten billion: about half an hour here */
#define RUN_DEFAULT_MAX_OUTPUT_MIB 4096ull

/* The help text of --max-events and --max-output-mb, for every command that runs. */
#define CLI_LIMITS_HELP                                                                            \
    "  --max-events N     refuse a run estimated to need more engine events\n"                     \
    "                     (default 10000000000, about half an hour at 5 M/s)\n"                    \
    "  --max-output-mb N  refuse a run estimated to write more CSV (default 4096)\n"

struct variant_run {
    const struct scenario *sc;
    struct run_limits limits;
    const char *out;   /* results under out/ instead of results/<scenario>/ */
    bool several;      /* the scenario has variants: out/<variant>/ */
    bool quiet, stats, no_files, plot;
    bool has_seed;
    uint64_t seed;
};

/* Runs one variant, writes its results (unless no_files), prints its table
 * (unless quiet); with summary_json, also returns the summary as JSON text
 * (malloc'ed). Returns an exit code. */
int cli_run_variant(const struct variant_run *v, char **summary_json);
/* After every variant of `set` ran into parent/<variant>/: removes the
 * folders of variants it no longer has and writes parent/variants.txt (the
 * scenario's order, for plot). 0, or 3 if the list cannot be written. */
int cli_variant_folder_done(const char *parent, const struct scenario_set *set);
/* The summary.json of the scenario before its first event (malloc'ed): it
 * has every key a run's will have, so expect lines can be checked by name
 * without running. */
char *cli_summary_before_running(const struct scenario *sc);
/* Checks that every expect line names metrics the summary has (and that a
 * reference names a variant of the set); one error line each on stderr,
 * with a suggestion. Returns the number of errors. */
uint32_t cli_check_expect_names(const char *file, const struct scenario_set *set);
/* Reads an option's integer value in [min, max]; reports a bad one on
 * stderr and returns false. */
bool cli_parse_count(const char *option, const char *value, uint64_t min, uint64_t max,
                     uint64_t *out);
/* The options shared by the commands that run scenarios, parsed in one
 * place: --seed N, --set PATH=VALUE (repeatable), --out DIR,
 * --replications R, --variant V. A command names those it takes in
 * `accepts`; `sets` must have room for argc entries. */
enum cli_option {
    CLI_OPT_SEED = 1,
    CLI_OPT_SET = 2,
    CLI_OPT_OUT = 4,
    CLI_OPT_REPLICATIONS = 8,
    CLI_OPT_VARIANT = 16,
    CLI_OPT_LIMITS = 32, /* --max-events N, --max-output-mb N */
};
struct cli_common {
    unsigned accepts;  /* enum cli_option bits */
    const char **sets;
    uint32_t set_count, replications;
    const char *out;
    const char *variant;
    bool has_seed;
    uint64_t seed;
    struct run_limits limits;
};
/* If argv[*i] is one of the accepted options, takes it (and its value,
 * advancing *i) and returns 1; 0 if it is not; 2 after reporting a bad
 * value. */
int cli_common_option(struct cli_common *c, int argc, char **argv, int *i);

/* Reports an option the command does not take ("unknown option '--quite'
 * (did you mean '--quiet'?)"), or one it takes given without its value;
 * the options are read from the command's usage text, so the suggestion
 * cannot fall out of step with the help. Returns 2. */
int cli_bad_option(const char *command, const char *arg, const char *usage);

/* What every command's option parser returns: CLI_GO_ON to run, else the
 * exit code to stop with (0 after --help, 2 for bad usage). */
#define CLI_GO_ON (-1)

/* `stampede check`, `compare`, `sweep`, `merge`. */
int cli_check(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_sweep(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_view(int argc, char **argv);
/* The graphs of a result folder (or of its variant folders side by side)
 * into a PNG (or an SVG) of w x h, or with w or h 0 the size that fits
 * the columns and panels; returns an exit code. */
int cli_plot_results(const char *const *dirs, unsigned count, const char *png, int w, int h,
                     int zoom, unsigned panels);

#endif
