/* Running one variant of a scenario for a command: seed, result folder,
 * the summary table, engine statistics, and (for check) the summary as
 * JSON text in memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../base/xalloc.h"
#include "interrupt.h"
#include "../model/estimate.h"
#include "../model/sim.h"
#include "cli_internal.h"
#include "viz_exec.h"
#include "loader.h"
#include "progress.h"
#include "results.h"
#include "summary.h"

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static char *summary_text(const struct scenario *sc, uint64_t seed, const struct run_report *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    summary_write_json(f, sc, seed, r);
    fclose(f);
    return text;
}

int cli_variant_folder_done(const char *parent, const struct scenario_set *set)
{
    const char **names = xcalloc(set->count, sizeof *names);
    for (uint32_t i = 0; i < set->count; i++)
        names[i] = set->items[i]->variant;
    results_remove_stale(parent, set->items[0]->name, names, set->count);
    int rc = results_write_variant_list(parent, names, set->count) == 0 ? 0 : 3;
    free(names);
    return rc;
}

char *cli_summary_before_running(const struct scenario *sc)
{
    struct sim *s = sim_new(sc, sc->seed);
    char *text = summary_text(sc, sc->seed, sim_report(s));
    sim_free(s);
    return text;
}

/* Refuses, with what it would take and how to allow it, a run whose
 * estimated events or output pass the limits; 0 or exit code 2. */
static int check_limits(const struct variant_run *v, const struct estimate *e)
{
    const struct scenario *sc = v->sc;
    double max_events = (double)(v->limits.max_events ? v->limits.max_events : RUN_DEFAULT_MAX_EVENTS);
    double max_mib = (double)(v->limits.max_output_mib ? v->limits.max_output_mib
                                                        : RUN_DEFAULT_MAX_OUTPUT_MIB);
    int rc = 0;
    if (e->events > max_events) {
        const struct client_cfg *c = &sc->clients[e->top_client];
        fprintf(stderr,
                "stampede: error: %s [%s]: would handle about %.2g events (client '%s': %.3g "
                "requests over %.6g s, up to %.3g service visit%s each), over the limit of %.0f "
                "(--max-events N raises it)\n",
                sc->name, sc->variant, e->events, c->name, e->top_client_requests,
                sim_time_to_s(sc->duration_ns), e->top_client_visits,
                e->top_client_visits == 1 ? "" : "s", max_events);
        rc = 2;
    }
    double mib = e->output_bytes / (1024.0 * 1024.0);
    if (!v->no_files && mib > max_mib) {
        fprintf(stderr,
                "stampede: error: %s [%s]: would write about %.3g MiB of CSV (%.3g windows of "
                "%.6g s, %.0f rows each), over the limit of %.0f MiB (a longer window_s writes "
                "less; --max-output-mb N raises it)\n",
                sc->name, sc->variant, mib, e->windows, sim_time_to_s(sc->window_ns),
                e->rows_per_window, max_mib);
        rc = 2;
    }
    return rc;
}

int cli_run_variant(const struct variant_run *v, char **summary_json)
{
    const struct scenario *sc = v->sc;
    struct estimate estimate;
    scenario_estimate(sc, &estimate);
    int refused = check_limits(v, &estimate);
    if (refused)
        return refused;
    uint64_t seed = v->has_seed ? v->seed : sc->seed;
    char dir[4096];
    if (v->out)
        snprintf(dir, sizeof dir, v->several ? "%s/%s" : "%s", v->out, sc->variant);
    else
        snprintf(dir, sizeof dir, "results/%s/%s", sc->name, sc->variant);
    char previous[4200];
    snprintf(previous, sizeof previous, "%s/summary.json", dir);
    bool replacing = !v->no_files && sc->override_count > 0 && access(previous, F_OK) == 0;
    struct results *res = v->no_files ? NULL : results_open(dir);
    if (!v->no_files && !res) {
        if (errno == EBUSY)
            fprintf(stderr, "stampede: error: %s: another stampede run is writing there; "
                            "wait for it or choose another --out\n",
                    dir);
        else
            fprintf(stderr, "stampede: error: %s: cannot write results: %s\n", dir,
                    strerror(errno));
        return 3;
    }
    double started = progress_clock_s(), cpu_started = progress_cpu_s();
    struct sim *s = sim_new(sc, seed);
    if (res) {
        struct sim_observer obs = {.ctx = res, .on_window = results_on_window,
                                   .on_event = results_on_event};
        sim_set_observer(s, &obs);
    }
    /* in slices, so that Ctrl-C is seen within one window of simulated time */
    struct run_progress bar;
    run_progress_begin(&bar, v->quiet);
    char what[200];
    snprintf(what, sizeof what, "%s [%s]", sc->name, sc->variant);
    while (sim_advance(s, sim_now(s) + sc->window_ns) && !interrupt_signal())
        run_progress_update(&bar, what, sim_time_to_s(sim_now(s)), sim_time_to_s(sc->duration_ns),
                            sim_events(s));
    run_progress_end(&bar);
    if (interrupt_signal()) { /* no files; the summary so far, marked as such */
        if (res)
            results_discard(res);
        fprintf(stderr, "stampede: interrupted at %.3f s of %.3f s simulated; nothing written\n",
                sim_time_to_s(sim_now(s)), sim_time_to_s(sc->duration_ns));
        if (!v->quiet)
            summary_print_table(stdout, sc, seed, sim_report(s), progress_clock_s() - started);
        sim_free(s);
        return 128 + interrupt_signal();
    }
    sim_time stuck_at;
    if (sim_stuck(s, &stuck_at)) { /* no partial results */
        fprintf(stderr,
                "stampede: error: %s [%s]: simulated time stopped at %.6f s: %u events at that "
                "instant and none later (a closed loop with no think time whose requests fail at "
                "once?)\n",
                sc->name, sc->variant, sim_time_to_s(stuck_at), SIM_STUCK_EVENTS);
        if (res)
            results_discard(res);
        sim_free(s);
        return 2;
    }
    const struct run_report *report = sim_report(s);
    double wall = progress_clock_s() - started, cpu = progress_cpu_s() - cpu_started;
    int rc = 0;
    if (summary_json)
        *summary_json = summary_text(sc, seed, report);
    if (res && results_commit(res, sc, seed, report) != 0) {
        fprintf(stderr, "stampede: error: %s: cannot write results: %s\n", dir, strerror(errno));
        rc = 3;
    } else {
        if (res && v->plot) { /* drawn from the files just written, as `plot` would */
            char png[4200];
            snprintf(png, sizeof png, "%s/plot.png", dir);
            rc = viz_plot_folder(dir, png);
        }
        if (replacing) /* a run with overrides never silently takes another's place */
            fprintf(stderr, "stampede: note: %s/ replaced; its summary.json records the --set "
                            "overrides (another --out keeps both)\n",
                    dir);
        if (!v->quiet) {
            summary_print_table(stdout, sc, seed, report, wall);
            if (res)
                printf("  results in %s/%s\n", dir, v->plot ? " (with plot.png)" : "");
        }
    }
    if (v->stats) {
        uint64_t customers = report->total.succeeded + traffic_failed(&report->total);
        fprintf(stderr,
                "stats: %s [%s] wall_s=%.3f events=%" PRIu64 " events_per_s=%.0f "
                "requests=%" PRIu64 " requests_per_s=%.0f peak_rss_kib=%ld "
                "estimated_events=%.3g cpu_s=%.3f requests_per_cpu_s=%.0f\n",
                sc->name, sc->variant, wall, report->events, (double)report->events / wall,
                customers, (double)customers / wall, peak_rss_kib(), estimate.events, cpu,
                (double)customers / cpu);
    }
    sim_free(s);
    return rc;
}
