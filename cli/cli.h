/* The segkit command-line framework. Each cli/cmd_NAME.c defines one command as
 * `const seg_cli_command seg_cli_cmd_NAME`; the build generates the table from the file
 * names, so adding a command is adding one file. Commands return 0 on success and 2 on
 * bad usage or bad input, after one line on stderr (cli_fail). */
#ifndef SEG_CLI_H
#define SEG_CLI_H

#include <segkit.h>
#include <stdbool.h>
#include <stdio.h>

#define CLI_MAX_POS 64
#define CLI_MAX_OPTS 48

typedef enum cli_kind {
    CLI_FLAG,   /* --name, no value */
    CLI_STRING, /* --name VALUE */
    CLI_INT,    /* --name N, checked integer */
    CLI_DOUBLE  /* --name X, checked finite number */
} cli_kind;

typedef struct cli_opt {
    const char *name;    /* long name without dashes, e.g. "to" */
    char short_name;     /* optional single letter (-o), 0 for none */
    cli_kind kind;
    const char *def;     /* default value as text, NULL for none */
    const char *choices; /* optional "a|b|c": the value must be one of these */
    const char *help;
} cli_opt;

typedef struct cli_args {
    const struct seg_cli_command *cmd;
    int npos;
    const char *pos[CLI_MAX_POS];
    const char *val[CLI_MAX_OPTS]; /* value per option (default if not given) */
    bool given[CLI_MAX_OPTS];
} cli_args;

typedef struct seg_cli_command {
    const char *name;
    const char *summary;   /* one line for `segkit --help` */
    const char *usage;     /* positional part, e.g. "IN OUT" */
    const char *details;   /* optional paragraph for `segkit NAME --help` */
    const cli_opt *opts;   /* terminated by an entry with name NULL */
    int min_pos, max_pos;  /* positional argument counts */
    int (*run)(const cli_args *a);
    /* Instead of run: a command with sub-commands gets its raw arguments (after its own
     * name) and usually picks a sub-command and calls cli_run on it. */
    int (*run_raw)(int argc, char **argv);
} seg_cli_command;

/* Parse argv (the arguments after the command's name) for c and run it: what main does
 * for a top-level command, available to commands that dispatch to sub-commands.
 * Returns the exit status. */
int cli_run(const seg_cli_command *c, int argc, char **argv);

/* `segkit segment --method NAME`: each cli/segment_NAME.c defines
 * `const seg_cli_command seg_cli_segment_NAME` (name "NAME", its own options and
 * usage); the build generates the method table from the file names. */

/* Print "segkit NAME: message" on stderr and return 2. */
int cli_fail(const cli_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same for a failed library call: appends seg_last_error() (or seg_strerror). */
int cli_fail_status(const cli_args *a, int status, const char *what);

const char *cli_str(const cli_args *a, const char *name);
long cli_int(const cli_args *a, const char *name);
double cli_double(const cli_args *a, const char *name);
bool cli_flag(const cli_args *a, const char *name);
bool cli_given(const cli_args *a, const char *name);

/* Parse option `name` given as "WxH" or "N" (meaning NxN) into *w, *h; both must be in
 * [lo, hi]. Returns 0, or prints the error and returns 2. */
int cli_size(const cli_args *a, const char *name, int lo, int hi, int *w, int *h);

/* Atomic output: write to "<path>.tmp.<pid>" in the same folder (cli_open_atomic: tmp
 * receives its name; NULL on failure, printed), then cli_commit_atomic closes it and
 * renames it over path; on any error the temporary file is removed, the error printed
 * and 2 returned. Nothing half-written is ever left at path. */
FILE *cli_open_atomic(const cli_args *a, const char *path, char *tmp, size_t tmp_size);
int cli_commit_atomic(const cli_args *a, FILE *f, const char *tmp, const char *path);
/* The same for a buffer in memory: returns 0, or prints the error and returns 2. */
int cli_write_file(const cli_args *a, const char *path, const void *data, size_t len);
/* mkdir -p; returns 0, or prints the error and returns 2. */
int cli_make_dirs(const cli_args *a, const char *path);

/* Print a progress/info line on stdout (what the command did). */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
