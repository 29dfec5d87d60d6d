/* segkit model info FILE: what an ONNX file holds. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        printf("usage: segkit model info MODEL.onnx\n\n  info    %s\n", info_cmd.summary);
        return 0;
    }
    fprintf(stderr, "segkit model: expected a sub-command: info (see 'segkit model --help')\n");
    return 2;
}

const seg_cli_command seg_cli_cmd_model = {
    .name = "model",
    .summary = "inspect ONNX models (model info FILE)",
    .usage = "info MODEL.onnx",
    .run_raw = run_raw,
};
