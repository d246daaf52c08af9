#include "rate_shape.h"

#include <math.h>
#include <stdlib.h>

#include "detmath.h"
#include "xalloc.h"

void rate_shape_add(struct rate_shape *s, double t_s, double rps)
{
    s->t_s = xreallocarray(s->t_s, s->n + 1, sizeof *s->t_s);
    s->rps = xreallocarray(s->rps, s->n + 1, sizeof *s->rps);
    s->t_s[s->n] = t_s;
    s->rps[s->n] = rps;
    s->n++;
    s->present = true;
}

void rate_shape_finish(struct rate_shape *s, double base_rps)
{
    if (s->sine) {
        s->max_rps = base_rps * (1 + s->amplitude);
        return;
    }
    s->max_rps = 0;
    for (uint32_t i = 0; i < s->n; i++)
        if (s->rps[i] > s->max_rps)
            s->max_rps = s->rps[i];
}

double rate_shape_at(const struct rate_shape *s, double base_rps, double t_s, uint32_t *cursor)
{
    if (s->sine) {
        /* fmod is exact, so the phase is reduced without losing digits and
         * det_sin only ever sees [0, 2 pi). */
        double turns = fmod((t_s + s->phase_s) / s->period_s, 1.0);
        if (turns < 0)
            turns += 1;
        return base_rps * (1 + s->amplitude * det_sin(turns * 6.283185307179586));
    }
    if (t_s <= s->t_s[0])
        return s->rps[0];
    if (t_s >= s->t_s[s->n - 1])
        return s->rps[s->n - 1];
    uint32_t i = *cursor < s->n - 1 ? *cursor : 0;
    if (s->t_s[i] > t_s) /* time went back (a new run): start over */
        i = 0;
    while (i + 1 < s->n && s->t_s[i + 1] <= t_s)
        i++;
    *cursor = i;
    double t0 = s->t_s[i], t1 = s->t_s[i + 1];
    if (t1 == t0)
        return s->rps[i + 1];
    return s->rps[i] + (s->rps[i + 1] - s->rps[i]) * (t_s - t0) / (t1 - t0);
}

double rate_shape_next_positive(const struct rate_shape *s, double t_s)
{
    for (uint32_t i = 0; !s->sine && i < s->n; i++)
        if (s->t_s[i] > t_s && s->rps[i] > 0)
            return s->t_s[i];
    return -1;
}

void rate_shape_release(struct rate_shape *s)
{
    free(s->t_s);
    free(s->rps);
    s->t_s = s->rps = NULL;
    s->n = 0;
}
