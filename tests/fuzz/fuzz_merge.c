/* merge on any shard text: one line naming the bad row, or a merged file,
 * never a crash. The input is split at each "\n=====\n" into up to three
 * shards. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../sim/edge/sweep_csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *dir = fuzz_scratch_dir();
    const uint8_t *parts[3];
    size_t lens[3];
    size_t n = fuzz_split(data, size, parts, lens, 3);
    static const char *const names[] = {"a.csv", "b.csv", "c.csv"};
    char *argv[6];
    int argc = 0;
    for (size_t i = 0; i < n; i++)
        argv[argc++] = fuzz_write_file(dir, names[i], parts[i], lens[i]);
    char out[256];
    snprintf(out, sizeof out, "%s/out.csv", dir);
    argv[argc++] = (char *)"-o";
    argv[argc++] = out;
    argv[argc] = NULL;
    fuzz_quiet(true); /* the messages are checked by the CLI tests, not here */
    (void)sweep_csv_merge_main(argc, argv);
    fuzz_quiet(false);
    for (size_t i = 0; i < n; i++)
        unlink(argv[i]), free(argv[i]);
    unlink(out);
    return 0;
}
