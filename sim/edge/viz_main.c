/* stampede-viz: the drawing half of the command line (`plot`, `view`),
 * the only program that links SDL. `stampede plot ...` and `stampede view
 * ...` become this program with the same arguments (viz_exec.h says why);
 * run by hand it takes the same commands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_internal.h"

int main(int argc, char **argv)
{
    cli_prepare();
    if (argc >= 2 && !strcmp(argv[1], "plot"))
        return cli_plot(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "view"))
        return cli_view(argc - 2, argv + 2);
    fprintf(stderr, "usage: stampede-viz plot|view ARGS... (the drawing commands of stampede: "
                    "see `stampede plot --help` and `stampede view --help`)\n");
    return 2;
}
