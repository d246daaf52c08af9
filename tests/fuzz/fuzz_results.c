/* What `plot` reads: a result folder (timeseries.csv, services.csv,
 * policies.csv, events.csv and summary.json: the input's parts, split at
 * each "\n=====\n") loaded and drawn as plot draws it, small, and the same
 * first part read and drawn as a sweep CSV heatmap: a hand-edited file
 * (t = 1e300, NaN, a missing column) must give a message or a picture. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../viz/series.h"
#include "../../viz/viz.h"
#include "fuzz.h"

static const char *const FILES[] = {"timeseries.csv", "services.csv", "policies.csv",
                                    "events.csv", "summary.json"};
enum { FILE_COUNT = sizeof FILES / sizeof FILES[0] };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_scratch_dir();
    const uint8_t *parts[FILE_COUNT];
    size_t lens[FILE_COUNT];
    size_t n = fuzz_split(data, size, parts, lens, FILE_COUNT);
    char *paths[FILE_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        paths[i] = fuzz_write_file(dir, FILES[i], parts[i], lens[i]);
    char err[256];
    struct viz_series *v = viz_series_load(dir, err, sizeof err);
    char png[256];
    snprintf(png, sizeof png, "%s/heat.png", dir);
    fuzz_quiet(true);
    if (v) {
        (void)viz_plot_png(&v, 1, 320, 240, 1, 0, png, err, sizeof err);
        viz_series_free(v);
    }
    (void)viz_heatmap(paths[0], NULL, NULL, "goodput_ratio", NULL, png, 64, 48, 1, err,
                          sizeof err);
    fuzz_quiet(false);
    unlink(png);
    for (size_t i = 0; i < n; i++)
        unlink(paths[i]), free(paths[i]);
    return 0;
}
