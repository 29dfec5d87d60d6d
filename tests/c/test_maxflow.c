/* Grid max-flow (src/segment/maxflow.c) against known cuts and an Edmonds-Karp oracle. */
#include "check.h"
#include "internal.h"
#include "segment/maxflow.h"

#include <math.h>
#include <string.h>

/* Oracle: dense Edmonds-Karp on the same graph (nodes = pixels + source + sink). */
typedef struct oracle {
    int n;
    double *c; /* n x n residual capacities */
} oracle;

static double ek_maxflow(oracle *o, int s, int t, unsigned char *src_side)
{
    int n = o->n;
    int *prev = malloc(sizeof(int) * n), *queue = malloc(sizeof(int) * n);
    double flow = 0;
    for (;;) {
        for (int i = 0; i < n; i++)
            prev[i] = -1;
        prev[s] = s;
        int qh = 0, qt = 0;
        queue[qt++] = s;
        while (qh < qt && prev[t] < 0) {
            int u = queue[qh++];
            for (int v = 0; v < n; v++)
                if (prev[v] < 0 && o->c[u * n + v] > 0) {
                    prev[v] = u;
                    queue[qt++] = v;
                }
        }
        if (prev[t] < 0)
            break;
        double b = INFINITY;
        for (int v = t; v != s; v = prev[v])
            b = fmin(b, o->c[prev[v] * n + v]);
        for (int v = t; v != s; v = prev[v]) {
            o->c[prev[v] * n + v] -= b;
            o->c[v * n + prev[v]] += b;
        }
        flow += b;
    }
    /* the set of nodes that can still reach t: sink side (the segkit convention) */
    memset(src_side, 1, (size_t)n);
    int changed = 1;
    src_side[t] = 0;
    while (changed) {
        changed = 0;
        for (int u = 0; u < n; u++)
            if (src_side[u])
                for (int v = 0; v < n; v++)
                    if (!src_side[v] && o->c[u * n + v] > 0) {
                        src_side[u] = 0;
                        changed = 1;
                        break;
                    }
    }
    free(prev);
    free(queue);
    return flow;
}

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

/* Random w x h grid with integer capacities (exact in float); compare flow values, and
 * check the segkit cut's capacity equals the flow. */
static void random_grid(int w, int h, unsigned seed, int density)
{
    seg__gridflow g;
    CHECK_EQ_INT(seg__gridflow_init(&g, w, h), SEG_OK);
    int n = w * h + 2, S = w * h, T = w * h + 1;
    oracle o = {n, calloc((size_t)n * n, sizeof(double))};
    double *orig = calloc((size_t)n * n, sizeof(double));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = y * w + x;
            for (int d = 0; d < 8; d += 2) { /* E, S, SE, SW: each undirected pair once */
                int d2 = d;
                int x2 = x + seg__grid_dx[d2], y2 = y + seg__grid_dy[d2];
                if (x2 < 0 || y2 < 0 || x2 >= w || y2 >= h)
                    continue;
                float c1 = (float)(rnd(&seed) % 10), c2 = (float)(rnd(&seed) % 10);
                if ((int)(rnd(&seed) % 100) >= density)
                    c1 = c2 = 0;
                seg__gridflow_set_edge(&g, x, y, d2, c1, c2);
                int u = y2 * w + x2;
                o.c[v * n + u] += c1;
                o.c[u * n + v] += c2;
            }
            float ts = (float)(rnd(&seed) % 20), tt = (float)(rnd(&seed) % 20);
            if (rnd(&seed) % 3 == 0)
                ts = 0;
            if (rnd(&seed) % 3 == 0)
                tt = 0;
            seg__gridflow_add_tweights(&g, x, y, ts, tt);
            o.c[S * n + v] += ts;
            o.c[v * n + T] += tt;
        }
    memcpy(orig, o.c, sizeof(double) * n * n);
    unsigned char *side = malloc((size_t)n);
    double want = ek_maxflow(&o, S, T, side);
    CHECK_EQ_INT(seg__gridflow_maxflow(&g), SEG_OK);
    if (fabs(g.flow - want) > 1e-6)
        fprintf(stderr, "grid %dx%d seed %u: flow %g, oracle %g\n", w, h, seed, g.flow, want);
    CHECK(fabs(g.flow - want) <= 1e-6);
    /* cut capacity of segkit's partition == max-flow (so it is a minimum cut), and it
     * equals the oracle's canonical partition (nodes unable to reach the sink) */
    double cut = 0;
    int same = 1;
    for (int v = 0; v < w * h; v++) {
        int sv = seg__gridflow_is_source(&g, v % w, v / w);
        same &= sv == side[v];
        if (!sv)
            cut += orig[S * n + v];
        else
            cut += orig[v * n + T];
        for (int u = 0; u < w * h; u++)
            if (sv && !seg__gridflow_is_source(&g, u % w, u / w))
                cut += orig[v * n + u];
    }
    CHECK(fabs(cut - want) <= 1e-6);
    CHECK(same);
    free(side);
    free(orig);
    free(o.c);
    seg__gridflow_free(&g);
}

static void hand_graphs(void)
{
    seg__gridflow g;
    /* 2x1: s -5-> a -3-> b -4-> t: the edge a-b (3) is the min cut. */
    CHECK_EQ_INT(seg__gridflow_init(&g, 2, 1), SEG_OK);
    seg__gridflow_add_tweights(&g, 0, 0, 5, 0);
    seg__gridflow_add_tweights(&g, 1, 0, 0, 4);
    seg__gridflow_set_edge(&g, 0, 0, 0, 3, 0);
    CHECK_EQ_INT(seg__gridflow_maxflow(&g), SEG_OK);
    CHECK(g.flow == 3);
    CHECK(seg__gridflow_is_source(&g, 0, 0) && !seg__gridflow_is_source(&g, 1, 0));
    seg__gridflow_free(&g);

    /* 1x1 with both t-links: flow = min(7, 2); the node stays with the source. */
    CHECK_EQ_INT(seg__gridflow_init(&g, 1, 1), SEG_OK);
    seg__gridflow_add_tweights(&g, 0, 0, 7, 2);
    CHECK_EQ_INT(seg__gridflow_maxflow(&g), SEG_OK);
    CHECK(g.flow == 2 && seg__gridflow_is_source(&g, 0, 0));
    seg__gridflow_free(&g);

    /* 2x2 diagonal path: s -> (0,0) -SE(6)-> (1,1) -> t, plus a weak detour via (1,0). */
    CHECK_EQ_INT(seg__gridflow_init(&g, 2, 2), SEG_OK);
    seg__gridflow_add_tweights(&g, 0, 0, 10, 0);
    seg__gridflow_add_tweights(&g, 1, 1, 0, 10);
    seg__gridflow_set_edge(&g, 0, 0, 4, 6, 0);
    seg__gridflow_set_edge(&g, 0, 0, 0, 1, 0); /* (0,0) -> (1,0) */
    seg__gridflow_set_edge(&g, 1, 0, 2, 2, 0); /* (1,0) -> (1,1) */
    CHECK_EQ_INT(seg__gridflow_maxflow(&g), SEG_OK);
    CHECK(g.flow == 7);
    CHECK(seg__gridflow_is_source(&g, 0, 0) && !seg__gridflow_is_source(&g, 1, 1));
    CHECK(!seg__gridflow_is_source(&g, 1, 0)); /* (1,0) -> (1,1) is not saturated */
    seg__gridflow_free(&g);
}

int main(void)
{
    hand_graphs();
    const int sizes[][2] = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {3, 3}, {4, 5}, {6, 6}, {9, 4}, {8, 8}};
    unsigned seed = 1;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int density = 30; density <= 100; density += 35)
            for (int rep = 0; rep < 8; rep++)
                random_grid(sizes[i][0], sizes[i][1], seed++, density);
    return check_report();
}
