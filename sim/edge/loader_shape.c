/* Arrival-rate shapes from JSON ("arrival": {"shape": {...}}) and trace
 * files. Every kind but the sine becomes points of a piecewise-linear rate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/xalloc.h"
#include "infile.h"
#include "loader_internal.h"

static const char *const KINDS[] = {"steps", "ramp", "spike", "sine", "trace", NULL};
enum { STEPS, RAMP, SPIKE, SINE, TRACE };
static const char *const KEYS[][5] = {
    [STEPS] = {"kind", "steps", NULL},
    [RAMP] = {"kind", "at_s", "duration_s", "to_rps", NULL},
    [SPIKE] = {"kind", "at_s", "duration_s", "rate_rps", NULL},
    [SINE] = {"kind", "period_s", "amplitude", "phase_s", NULL},
    [TRACE] = {"kind", "file", NULL},
};
static const char *const STEP_KEYS[] = {"at_s", "rate_rps", NULL};
static const double MAX_RPS = 1e9, MAX_S = 1e8;

/* A step to `rps` at t: the rate jumps there from whatever it was. */
static void add_step(struct rate_shape *s, double t, double rps)
{
    if (s->n)
        rate_shape_add(s, t, s->rps[s->n - 1]);
    rate_shape_add(s, t, rps);
}

static bool parse_steps(struct diag *d, const cJSON *v, const char *path, struct rate_shape *s)
{
    const cJSON *list = json_read_nonempty_list(d, v, path, "steps");
    if (!list)
        return false;
    char p[JSON_PATH_MAX], ip[JSON_PATH_MAX];
    json_path_key(p, path, "steps");
    int i = 0;
    double last = -1;
    bool ok = true;
    for (const cJSON *c = list->child; c; c = c->next, i++) {
        json_path_index(ip, p, i);
        double t = 0, rps = 0;
        if (!json_expect_object(d, c, ip)) {
            ok = false;
            continue;
        }
        json_check_keys(d, c, ip, STEP_KEYS);
        bool good = json_read_number(d, c, ip, "at_s", true, 0, false, MAX_S, &t);
        good = json_read_number(d, c, ip, "rate_rps", true, 0, false, MAX_RPS, &rps) && good;
        if (good && t <= last) {
            diag_error(d, ip, "steps must be in order of at_s");
            good = false;
        }
        if (good)
            add_step(s, t, rps), last = t;
        ok = ok && good;
    }
    return ok;
}

/* Reads "t_s,rate_rps" rows (an optional header line first) as steps. */
static bool read_trace(struct diag *d, const char *path, const char *file, struct rate_shape *s)
{
    const char *why;
    FILE *f = infile_open(file, INFILE_MAX_BYTES, &why);
    if (!f) {
        diag_error(d, path, "cannot read trace '%s': %s", file, why);
        return false;
    }
    char line[512];
    long number = 0;
    double last = -1;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        number++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || (number == 1 && strcmp(line, "t_s,rate_rps") == 0))
            continue;
        char *end;
        double t = strtod(line, &end);
        double rps = *end == ',' ? strtod(end + 1, &end) : -1;
        if (*end || !(t >= 0) || !(rps >= 0) || t > MAX_S || rps > MAX_RPS || t <= last) {
            diag_error(d, path, "%s:%ld: expected 't_s,rate_rps' with t_s increasing and rates "
                                ">= 0 (the line is not shown)",
                       file, number);
            ok = false;
            break;
        }
        add_step(s, t, rps);
        last = t;
    }
    fclose(f);
    if (ok && s->n == 0) {
        diag_error(d, path, "trace '%s' has no rows", file);
        ok = false;
    }
    return ok;
}

bool loader_parse_shape(struct diag *d, const cJSON *v, const char *path, bool has_base,
                        double base_rps, struct rate_shape *s, double *first_rps)
{
    if (!json_expect_object(d, v, path))
        return false;
    int kind;
    if (!json_read_choice(d, v, path, "kind", true, KINDS, &kind))
        return false;
    json_check_keys(d, v, path, KEYS[kind]);
    bool needs_base = kind == RAMP || kind == SPIKE || kind == SINE;
    if (needs_base && !has_base) {
        diag_error(d, path, "a %s shape varies the client's 'rate_rps', which is missing",
                   KINDS[kind]);
        return false;
    }
    if (!needs_base && has_base) {
        diag_error(d, path, "a %s shape gives the rates itself: remove the client's 'rate_rps'",
                   KINDS[kind]);
        return false;
    }
    double at = 0, dur = 0, x = 0;
    bool ok = true;
    switch (kind) {
    case STEPS:
        ok = parse_steps(d, v, path, s);
        break;
    case RAMP:
    case SPIKE:
        ok = json_read_number(d, v, path, "at_s", true, 0, false, MAX_S, &at);
        ok = json_read_number(d, v, path, "duration_s", true, 0, true, MAX_S, &dur) && ok;
        ok = json_read_number(d, v, path, kind == RAMP ? "to_rps" : "rate_rps", true, 0, false,
                              MAX_RPS, &x) && ok;
        if (ok && kind == RAMP) {
            rate_shape_add(s, at, base_rps);
            rate_shape_add(s, at + dur, x);
        } else if (ok) {
            add_step(s, 0, base_rps);
            add_step(s, at, x);
            add_step(s, at + dur, base_rps);
        }
        break;
    case SINE:
        s->sine = true;
        s->present = true;
        ok = json_read_number(d, v, path, "period_s", true, 0, true, MAX_S, &s->period_s);
        ok = json_read_number(d, v, path, "amplitude", true, 0, false, 1, &s->amplitude) && ok;
        json_read_number(d, v, path, "phase_s", false, -MAX_S, false, MAX_S, &s->phase_s);
        break;
    case TRACE: {
        const char *name;
        char p[JSON_PATH_MAX];
        if (!json_read_string(d, v, path, "file", true, &name))
            return false;
        const char *why;
        char *file = infile_beside(d->file, name, &why);
        json_path_key(p, path, "file");
        if (file)
            ok = read_trace(d, p, file, s);
        else
            diag_error(d, p, "cannot read trace '%s': %s", name, why), ok = false;
        free(file);
        break;
    }
    }
    if (!ok)
        return false;
    rate_shape_finish(s, base_rps);
    *first_rps = s->sine ? base_rps : s->rps[0];
    if (s->max_rps <= 0) {
        diag_error(d, path, "the shape never has a rate above 0");
        return false;
    }
    return true;
}
