/* segkit: command dispatch, option parsing and help. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X(n) extern const seg_cli_command seg_cli_cmd_##n;
#include "commands.inc"
#undef X

static const seg_cli_command *const commands[] = {
#define X(n) &seg_cli_cmd_##n,
#include "commands.inc"
#undef X
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

int cli_fail(const cli_args *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "segkit %s: ", a && a->cmd ? a->cmd->name : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

int cli_fail_status(const cli_args *a, int status, const char *what)
{
    const char *msg = seg_last_error();
    return cli_fail(a, "%s: %s", what, *msg ? msg : seg_strerror(status));
}

FILE *cli_open_atomic(const cli_args *a, const char *path, char *tmp, size_t tmp_size)
{
    if (snprintf(tmp, tmp_size, "%s.tmp.%ld", path, (long)getpid()) >= (int)tmp_size) {
        cli_fail(a, "path too long: %s", path);
        return NULL;
    }
    FILE *f = fopen(tmp, "wx");
    if (!f)
        cli_fail(a, "cannot write %s: %s", path, strerror(errno));
    return f;
}

int cli_commit_atomic(const cli_args *a, FILE *f, const char *tmp, const char *path)
{
    bool bad = ferror(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return cli_fail(a, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

int cli_write_file(const cli_args *a, const char *path, const void *data, size_t len)
{
    char tmp[4096 + 32];
    FILE *f = cli_open_atomic(a, path, tmp, sizeof tmp);
    if (!f)
        return 2;
    if (len && fwrite(data, 1, len, f) != len) {
        fclose(f);
        remove(tmp);
        return cli_fail(a, "cannot write %s: %s", path, strerror(errno));
    }
    return cli_commit_atomic(a, f, tmp, path);
}

int cli_make_dirs(const cli_args *a, const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return cli_fail(a, "path too long: %s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return cli_fail(a, "cannot create folder %s: %s", buf, strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return cli_fail(a, "%s is not a folder", path);
    return 0;
}

void cli_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

static int find_opt(const seg_cli_command *c, const char *name, size_t len, char short_name)
{
    for (int i = 0; c->opts && c->opts[i].name; i++) {
        const cli_opt *o = &c->opts[i];
        if (short_name ? o->short_name == short_name
                       : strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return i;
    }
    return -1;
}

static int opt_index(const cli_args *a, const char *name)
{
    int i = find_opt(a->cmd, name, strlen(name), 0);
    if (i < 0) {
        /* A programming error in a command: say so loudly rather than guess. */
        fprintf(stderr, "segkit %s: internal: no option --%s\n", a->cmd->name, name);
        exit(70);
    }
    return i;
}

const char *cli_str(const cli_args *a, const char *name)
{
    return a->val[opt_index(a, name)];
}

bool cli_given(const cli_args *a, const char *name)
{
    return a->given[opt_index(a, name)];
}

bool cli_flag(const cli_args *a, const char *name)
{
    return a->given[opt_index(a, name)];
}

long cli_int(const cli_args *a, const char *name)
{
    const char *v = cli_str(a, name);
    return v ? strtol(v, NULL, 10) : 0;
}

double cli_double(const cli_args *a, const char *name)
{
    const char *v = cli_str(a, name);
    return v ? strtod(v, NULL) : 0.0;
}

int cli_size(const cli_args *a, const char *name, int lo, int hi, int *w, int *h)
{
    const char *v = cli_str(a, name);
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0, y;
    if (!v || end == v || errno)
        goto bad;
    if (*end == 'x' || *end == 'X') {
        const char *p = end + 1;
        y = strtol(p, &end, 10);
        if (end == p || errno)
            goto bad;
    } else {
        y = x;
    }
    if (*end || x < lo || x > hi || y < lo || y > hi)
        goto bad;
    *w = (int)x;
    *h = (int)y;
    return 0;
bad:
    return cli_fail(a, "--%s expects WxH or N with values in %d..%d, got '%s'", name, lo, hi,
                    v ? v : "");
}

static bool in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

static int check_value(const cli_args *a, const cli_opt *o, const char *v)
{
    char *end;
    errno = 0;
    if (o->kind == CLI_INT) {
        long x = strtol(v, &end, 10);
        if (*v == '\0' || *end || errno || x < -2147483647L || x > 2147483647L)
            return cli_fail(a, "--%s expects an integer, got '%s'", o->name, v);
    } else if (o->kind == CLI_DOUBLE) {
        double x = strtod(v, &end);
        if (*v == '\0' || *end || errno || !isfinite(x))
            return cli_fail(a, "--%s expects a number, got '%s'", o->name, v);
    }
    if (o->choices && !in_choices(o->choices, v))
        return cli_fail(a, "--%s must be one of %s, got '%s'", o->name, o->choices, v);
    return 0;
}

static void print_command_help(const seg_cli_command *c)
{
    printf("usage: segkit %s %s%s\n\n%s\n", c->name, c->opts ? "[options] " : "",
           c->usage ? c->usage : "", c->summary);
    if (c->details)
        printf("\n%s\n", c->details);
    if (c->opts && c->opts[0].name)
        printf("\noptions:\n");
    for (int i = 0; c->opts && c->opts[i].name; i++) {
        const cli_opt *o = &c->opts[i];
        char left[64];
        snprintf(left, sizeof left, "%c%c%s--%s%s", o->short_name ? '-' : ' ',
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                 o->kind == CLI_FLAG ? "" : o->choices ? " CHOICE" : " VALUE");
        printf("  %-28s %s", left, o->help);
        if (o->choices)
            printf(" (%s)", o->choices);
        if (o->def)
            printf(" [default: %s]", o->def);
        printf("\n");
    }
    printf("  %-28s %s\n", "    --help", "show this help");
}

static void print_help(void)
{
    printf("usage: segkit COMMAND [options] ARGS...\n\n"
           "segkit %s: image segmentation toolkit (classical, deep, evaluation).\n\n"
           "commands:\n",
           seg_version());
    for (size_t i = 0; i < ncommands; i++)
        printf("  %-14s %s\n", commands[i]->name, commands[i]->summary);
    printf("\nRun 'segkit COMMAND --help' for a command's options.\n"
           "Exit status: 0 on success, 2 on bad usage or bad input.\n");
}

/* Parse argv for command c. Returns -1 to go on, else the exit status. */
static int parse(const seg_cli_command *c, int argc, char **argv, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->cmd = c;
    int nopts = 0;
    for (; c->opts && c->opts[nopts].name; nopts++)
        a->val[nopts] = c->opts[nopts].def;
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_pos && strcmp(arg, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (!only_pos && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            print_command_help(c);
            return 0;
        }
        int k = -1;
        const char *inline_val = NULL;
        if (!only_pos && arg[0] == '-' && arg[1] == '-' && arg[2]) {
            const char *eq = strchr(arg + 2, '=');
            size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
            k = find_opt(c, arg + 2, len, 0);
            if (k < 0)
                return cli_fail(a, "unknown option '%.*s' (see 'segkit %s --help')",
                                (int)(len + 2), arg, c->name);
            inline_val = eq ? eq + 1 : NULL;
        } else if (!only_pos && arg[0] == '-' && arg[1] && arg[2] == '\0' &&
                   !(arg[1] >= '0' && arg[1] <= '9')) {
            k = find_opt(c, NULL, 0, arg[1]);
            if (k < 0)
                return cli_fail(a, "unknown option '%s' (see 'segkit %s --help')", arg, c->name);
        }
        if (k < 0) {
            if (a->npos >= CLI_MAX_POS)
                return cli_fail(a, "too many arguments");
            a->pos[a->npos++] = arg;
            continue;
        }
        const cli_opt *o = &c->opts[k];
        if (o->kind == CLI_FLAG) {
            if (inline_val)
                return cli_fail(a, "--%s takes no value", o->name);
            a->given[k] = true;
            continue;
        }
        const char *v = inline_val;
        if (!v) {
            if (i + 1 >= argc)
                return cli_fail(a, "--%s needs a value", o->name);
            v = argv[++i];
        }
        int rc = check_value(a, o, v);
        if (rc)
            return rc;
        a->val[k] = v;
        a->given[k] = true;
    }
    if (a->npos < c->min_pos || a->npos > c->max_pos)
        return cli_fail(a, "expected %s (see 'segkit %s --help')",
                        c->usage ? c->usage : "no arguments", c->name);
    return -1;
}

int cli_run(const seg_cli_command *c, int argc, char **argv)
{
    static cli_args a;
    if (c->run_raw)
        return c->run_raw(argc, argv);
    int rc = parse(c, argc, argv, &a);
    if (rc >= 0)
        return rc;
    rc = c->run(&a);
    if (fflush(stdout) != 0 && rc == 0)
        return 2;
    return rc;
}

int main(int argc, char **argv)
{
    /* libgomp (segkit's and oneDNN's threads) spins while waiting unless told otherwise,
     * which starves other threads on a shared machine; it reads OMP_WAIT_POLICY only
     * when it is loaded, before main, so set it and start again (once). */
    if (!getenv("OMP_WAIT_POLICY") && !getenv("SEGKIT_REEXEC")) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        setenv("SEGKIT_REEXEC", "1", 1);
        execv("/proc/self/exe", argv);
        /* not fatal: go on with the default policy */
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help();
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("segkit %s\n", seg_version());
        return 0;
    }
    for (size_t i = 0; i < ncommands; i++) {
        if (strcmp(argv[1], commands[i]->name) != 0)
            continue;
        return cli_run(commands[i], argc - 2, argv + 2);
    }
    fprintf(stderr, "segkit: unknown command '%s' (see 'segkit --help')\n", argv[1]);
    return 2;
}
