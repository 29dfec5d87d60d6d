/* segkit model info FILE: what an ONNX file holds. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *dtype_name(int t)
{
    switch (t) {
    case SEG_DT_FLOAT: return "float32";
    case SEG_DT_UINT8: return "uint8";
    case SEG_DT_INT8: return "int8";
    case SEG_DT_UINT16: return "uint16";
    case SEG_DT_INT16: return "int16";
    case SEG_DT_INT32: return "int32";
    case SEG_DT_INT64: return "int64";
    case SEG_DT_BOOL: return "bool";
    case SEG_DT_FLOAT16: return "float16";
    case SEG_DT_DOUBLE: return "float64";
    case SEG_DT_UINT32: return "uint32";
    case SEG_DT_UINT64: return "uint64";
    case SEG_DT_BFLOAT16: return "bfloat16";
    default: return "?";
    }
}

static void print_tensor(const char *kind, const seg_tensor_info *t)
{
    printf("  %-7s %-24s %-8s [", kind, t->name, dtype_name(t->elem_type));
    for (int d = 0; d < t->ndim; d++) {
        if (t->dims[d] >= 0)
            printf("%s%lld", d ? ", " : "", (long long)t->dims[d]);
        else
            printf("%s%s", d ? ", " : "", t->dim_names[d] ? t->dim_names[d] : "?");
    }
    printf("%s\n", t->ndim < 0 ? "unknown]" : "]");
}

typedef struct op_count {
    const char *op;
    int n;
} op_count;

static int by_count(const void *a, const void *b)
{
    const op_count *x = a, *y = b;
    return x->n != y->n ? y->n - x->n : strcmp(x->op, y->op);
}

static int run_info(const cli_args *a)
{
    seg_model *m;
    int rc = seg_model_load(a->pos[0], &m);
    if (rc)
        return cli_fail_status(a, rc, "load");
    printf("%s\n  producer: %s %s, opset %lld, %d nodes, %lld parameters\n", a->pos[0],
           seg_model_producer(m), seg_model_producer_version(m),
           (long long)seg_model_opset(m), seg_model_num_nodes(m),
           (long long)seg_model_num_parameters(m));
    seg_tensor_info t;
    for (int i = 0; i < seg_model_num_inputs(m); i++)
        if (seg_model_input(m, i, &t) == SEG_OK)
            print_tensor("input", &t);
    for (int i = 0; i < seg_model_num_outputs(m); i++)
        if (seg_model_output(m, i, &t) == SEG_OK)
            print_tensor("output", &t);
    int n = seg_model_num_nodes(m), k = 0;
    op_count *ops = calloc((size_t)n + 1, sizeof *ops);
    if (!ops) {
        seg_model_destroy(m);
        return cli_fail(a, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        const char *op = seg_model_node_op(m, i);
        int j = 0;
        while (j < k && strcmp(ops[j].op, op) != 0)
            j++;
        if (j == k)
            ops[k++] = (op_count){op, 0};
        ops[j].n++;
    }
    qsort(ops, (size_t)k, sizeof *ops, by_count);
    printf("  ops:");
    for (int j = 0; j < k; j++)
        printf(" %s x%d%s", ops[j].op, ops[j].n, j + 1 < k ? "," : "");
    printf("\n");
    free(ops);
    seg_model_destroy(m);
    return 0;
}

static const cli_opt run_opts[] = {
    {"output", 'o', CLI_STRING, NULL, NULL, "folder for the outputs (NAME.npy each)"},
    {"repeat", 0, CLI_INT, "1", NULL, "run this many times and report the median time"},
    {NULL, 0, 0, NULL, NULL, NULL},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_run(const cli_args *a)
{
    const char *dir = cli_str(a, "output");
    long repeat = cli_int(a, "repeat");
    if (!dir)
        return cli_fail(a, "-o DIR is required");
    if (repeat < 1 || repeat > 1000)
        return cli_fail(a, "--repeat must be in 1..1000");
    seg_model *m;
    int rc = seg_model_load(a->pos[0], &m), status = 0;
    if (rc)
        return cli_fail_status(a, rc, "load");
    int nin = seg_model_num_inputs(m), nout = seg_model_num_outputs(m);
    seg_tensor *in = calloc((size_t)nin + 1, sizeof *in), *out = calloc((size_t)nout + 1, sizeof *out);
    double *times = calloc((size_t)repeat, sizeof *times);
    if (!in || !out || !times) {
        status = cli_fail(a, "out of memory");
        goto done;
    }
    if (a->npos - 1 != nin) {
        status = cli_fail(a, "the model has %d inputs; give one .npy per input (NAME=FILE or in order)", nin);
        goto done;
    }
    for (int k = 1; k < a->npos; k++) {
        const char *arg = a->pos[k], *eq = strchr(arg, '='), *file = eq ? eq + 1 : arg;
        int slot = k - 1;
        if (eq) {
            slot = -1;
            for (int i = 0; i < nin; i++) {
                seg_tensor_info t;
                seg_model_input(m, i, &t);
                if (strlen(t.name) == (size_t)(eq - arg) && strncmp(t.name, arg, (size_t)(eq - arg)) == 0)
                    slot = i;
            }
            if (slot < 0) {
                status = cli_fail(a, "the model has no input named '%.*s'", (int)(eq - arg), arg);
                goto done;
            }
        }
        if (in[slot].data) {
            status = cli_fail(a, "input %d is given twice", slot);
            goto done;
        }
        if ((rc = seg_tensor_read_npy(file, &in[slot]))) {
            status = cli_fail_status(a, rc, "input");
            goto done;
        }
    }
    size_t peak = 0;
    for (long r = 0; r < repeat; r++) {
        for (int i = 0; i < nout; i++)
            seg_tensor_free(&out[i]);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = seg_model_run(m, in, nin, out, nout, &peak);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc) {
            status = cli_fail_status(a, rc, "run");
            goto done;
        }
        times[r] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6;
    }
    if ((status = cli_make_dirs(a, dir)))
        goto done;
    for (int i = 0; i < nout; i++) {
        seg_tensor_info t;
        seg_model_output(m, i, &t);
        char path[4096];
        char safe[256];
        size_t j = 0;
        for (const char *p = t.name; *p && j + 1 < sizeof safe; p++)
            safe[j++] = (*p == '/' || *p == '\\') ? '_' : *p;
        safe[j] = '\0';
        snprintf(path, sizeof path, "%s/%s.npy", dir, safe);
        if ((rc = seg_tensor_write_npy(path, &out[i]))) {
            status = cli_fail_status(a, rc, "output");
            goto done;
        }
        printf("  output %-24s [", t.name);
        for (int d = 0; d < out[i].ndim; d++)
            printf("%s%lld", d ? ", " : "", (long long)out[i].dims[d]);
        printf("] -> %s\n", path);
    }
    qsort(times, (size_t)repeat, sizeof *times, cmp_double);
    printf("  run: %.2f ms (median of %ld, %d threads), peak activations %.1f MiB\n",
           times[repeat / 2], repeat, seg_get_num_threads(), (double)peak / 1048576.0);
done:
    for (int i = 0; in && i < nin; i++)
        seg_tensor_free(&in[i]);
    for (int i = 0; out && i < nout; i++)
        seg_tensor_free(&out[i]);
    free(in);
    free(out);
    free(times);
    seg_model_destroy(m);
    return status;
}

static const seg_cli_command run_cmd = {
    .name = "model run",
    .summary = "run an ONNX model on .npy inputs, writing each output as NAME.npy",
    .usage = "MODEL.onnx [NAME=]IN.npy... -o DIR",
    .opts = run_opts,
    .min_pos = 1,
    .max_pos = CLI_MAX_POS,
    .run = run_run,
};

static const seg_cli_command info_cmd = {
    .name = "model info",
    .summary = "print an ONNX file's producer, opset, inputs, outputs, operators and size",
    .usage = "MODEL.onnx",
    .min_pos = 1,
    .max_pos = 1,
    .run = run_info,
};

static int run_raw(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "info") == 0)
        return cli_run(&info_cmd, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "run") == 0)
        return cli_run(&run_cmd, argc - 1, argv + 1);
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        printf("usage: segkit model info MODEL.onnx\n       segkit model run MODEL.onnx "
               "[NAME=]IN.npy... -o DIR\n\n  info    %s\n  run     %s\n",
               info_cmd.summary, run_cmd.summary);
        return 0;
    }
    fprintf(stderr, "segkit model: expected a sub-command: info or run (see 'segkit model --help')\n");
    return 2;
}

const seg_cli_command seg_cli_cmd_model = {
    .name = "model",
    .summary = "inspect and run ONNX models (model info FILE, model run FILE IN.npy -o DIR)",
    .usage = "info|run ...",
    .run_raw = run_raw,
};
