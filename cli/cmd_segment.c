/* segkit segment --method NAME: dispatch to one recipe. Each method lives in its own
 * cli/segment_NAME.c with its own options; this file only picks it. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define X(n) extern const seg_cli_command seg_cli_segment_##n;
#include "segment_methods.inc"
#undef X

static const seg_cli_command *const methods[] = {
#define X(n) &seg_cli_segment_##n,
#include "segment_methods.inc"
#undef X
    NULL,
};

static void list_methods(FILE *f)
{
    for (int i = 0; methods[i]; i++)
        fprintf(f, "  %-12s %s\n", methods[i]->name, methods[i]->summary);
}

static int run_raw(int argc, char **argv)
{
    const char *method = NULL;
    int at = -1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--method") == 0 || strcmp(argv[i], "-m") == 0) {
            if (i + 1 >= argc)
                break;
            method = argv[i + 1];
            at = i;
            break;
        }
        if (strncmp(argv[i], "--method=", 9) == 0) {
            method = argv[i] + 9;
            at = i;
            break;
        }
    }
    if (!method) {
        bool help = false;
        for (int i = 0; i < argc; i++)
            help |= strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
        FILE *f = help ? stdout : stderr;
        if (!help)
            fprintf(stderr, "segkit segment: --method is required (see 'segkit segment --help')\n");
        else {
            fprintf(f, "usage: segkit segment IMAGE... --method METHOD -o DIR [options]\n\n"
                       "Run a whole segmentation recipe; writes a mask or label map, an overlay\n"
                       "picture and objects.json per image. Methods:\n");
            list_methods(f);
            fprintf(f, "\n'segkit segment --method METHOD --help' lists a method's options.\n");
        }
        return help ? 0 : 2;
    }
    for (int i = 0; methods[i]; i++) {
        if (strcmp(methods[i]->name, method) != 0)
            continue;
        /* Drop "--method NAME" and hand the rest to the method's own parser. */
        char *rest[CLI_MAX_POS + 2 * CLI_MAX_OPTS + 8];
        int n = 0, skip = strncmp(argv[at], "--method=", 9) == 0 ? 1 : 2;
        for (int k = 0; k < argc; k++) {
            if (k >= at && k < at + skip)
                continue;
            if (n >= (int)(sizeof rest / sizeof rest[0]))
                return fprintf(stderr, "segkit segment: too many arguments\n"), 2;
            rest[n++] = argv[k];
        }
        return cli_run(methods[i], n, rest);
    }
    fprintf(stderr, "segkit segment: unknown method '%s' (methods:", method);
    for (int i = 0; methods[i]; i++)
        fprintf(stderr, " %s", methods[i]->name);
    fprintf(stderr, "%s)\n", methods[0] ? "" : " none built");
    return 2;
}

const seg_cli_command seg_cli_cmd_segment = {
    .name = "segment",
    .summary = "run a whole segmentation recipe (--method ...) on images",
    .usage = "IMAGE... --method METHOD -o DIR",
    .run_raw = run_raw,
};
