/* Grid max-flow (src/segment/maxflow.c) against known cuts and an Edmonds-Karp oracle. */
#include "check.h"
#include "internal.h"
#include "segment/maxflow.h"

#include <math.h>
#include <string.h>

/* Oracle: Edmonds-Karp on an explicit edge list (nodes = pixels + source + sink). */
typedef struct oracle {
    int n, m, cap_m;
    int *head, *next, *to; /* edge e and its reverse e ^ 1 */
    double *c;
} oracle;

static void oracle_init(oracle *o, int n)
{
    o->n = n;
    o->m = 0;
    o->cap_m = 64;
    o->head = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++)
        o->head[i] = -1;
    o->next = malloc(sizeof(int) * o->cap_m);
    o->to = malloc(sizeof(int) * o->cap_m);
    o->c = malloc(sizeof(double) * o->cap_m);
}

static void oracle_free(oracle *o)
{
    free(o->head);
    free(o->next);
    free(o->to);
    free(o->c);
}

static void add_arc(oracle *o, int u, int v, double c, double rc)
{
    if (o->m + 2 > o->cap_m) {
        o->cap_m *= 2;
        o->next = realloc(o->next, sizeof(int) * o->cap_m);
        o->to = realloc(o->to, sizeof(int) * o->cap_m);
        o->c = realloc(o->c, sizeof(double) * o->cap_m);
    }
    int e = o->m;
    o->to[e] = v;
    o->c[e] = c;
    o->next[e] = o->head[u];
    o->head[u] = e;
    o->to[e + 1] = u;
    o->c[e + 1] = rc;
    o->next[e + 1] = o->head[v];
    o->head[v] = e + 1;
    o->m += 2;
}

static double ek_maxflow(oracle *o, int s, int t, unsigned char *src_side)
{
    int n = o->n;
    int *prev = malloc(sizeof(int) * n), *queue = malloc(sizeof(int) * n);
    double flow = 0;
    for (;;) {
        for (int i = 0; i < n; i++)
            prev[i] = -1;
        prev[s] = -2;
        int qh = 0, qt = 0;
        queue[qt++] = s;
        while (qh < qt && prev[t] == -1) {
            int u = queue[qh++];
            for (int e = o->head[u]; e >= 0; e = o->next[e])
                if (prev[o->to[e]] == -1 && o->c[e] > 0) {
                    prev[o->to[e]] = e;
                    queue[qt++] = o->to[e];
                }
        }
        if (prev[t] == -1)
            break;
        double b = INFINITY;
        for (int v = t; v != s; v = o->to[prev[v] ^ 1])
            b = fmin(b, o->c[prev[v]]);
        for (int v = t; v != s; v = o->to[prev[v] ^ 1]) {
            o->c[prev[v]] -= b;
            o->c[prev[v] ^ 1] += b;
        }
        flow += b;
    }
    /* nodes that can still reach t in the residual graph: the sink side */
    memset(src_side, 1, (size_t)n);
    int qh = 0, qt = 0;
    src_side[t] = 0;
    queue[qt++] = t;
    while (qh < qt) {
        int v = queue[qh++];
        for (int e = o->head[v]; e >= 0; e = o->next[e]) {
            int u = o->to[e]; /* arc u -> v is e ^ 1 */
            if (src_side[u] && o->c[e ^ 1] > 0) {
                src_side[u] = 0;
                queue[qt++] = u;
            }
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

/* Random w x h grid with integer capacities (exact in float): compare the flow value
 * with the oracle's, check that segkit's partition is a cut of that capacity, and that it
 * is the canonical one (sink side = nodes that can reach the sink). Grids of 96 rows and
 * more are solved in bands first, then merged (maxflow.c). */
static void random_grid(int w, int h, unsigned seed, int density)
{
    seg__gridflow g;
    CHECK_EQ_INT(seg__gridflow_init(&g, w, h), SEG_OK);
    int n = w * h + 2, S = w * h, T = w * h + 1;
    oracle o;
    oracle_init(&o, n);
    float *tw = calloc((size_t)w * h * 2, sizeof(float));
    float *ew = calloc((size_t)w * h * 8, sizeof(float)); /* original arc capacities */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = y * w + x;
            for (int d = 0; d < 8; d += 2) { /* E, S, SE, SW: each neighbour pair once */
                int x2 = x + seg__grid_dx[d], y2 = y + seg__grid_dy[d];
                if (x2 < 0 || y2 < 0 || x2 >= w || y2 >= h)
                    continue;
                float c1 = (float)(rnd(&seed) % 10), c2 = (float)(rnd(&seed) % 10);
                if ((int)(rnd(&seed) % 100) >= density)
                    c1 = c2 = 0;
                seg__gridflow_set_edge(&g, x, y, d, c1, c2);
                int u = y2 * w + x2;
                ew[v * 8 + d] = c1;
                ew[u * 8 + (d ^ 1)] = c2;
                add_arc(&o, v, u, c1, c2);
            }
            float ts = (float)(rnd(&seed) % 20), tt = (float)(rnd(&seed) % 20);
            if (rnd(&seed) % 3 == 0)
                ts = 0;
            if (rnd(&seed) % 3 == 0)
                tt = 0;
            seg__gridflow_add_tweights(&g, x, y, ts, tt);
            tw[2 * v] = ts;
            tw[2 * v + 1] = tt;
            add_arc(&o, S, v, ts, 0);
            add_arc(&o, v, T, tt, 0);
        }
    unsigned char *side = malloc((size_t)n);
    double want = ek_maxflow(&o, S, T, side);
    CHECK_EQ_INT(seg__gridflow_maxflow(&g), SEG_OK);
    if (fabs(g.flow - want) > 1e-6)
        fprintf(stderr, "grid %dx%d seed %u: flow %g, oracle %g\n", w, h, seed, g.flow, want);
    CHECK(fabs(g.flow - want) <= 1e-6);
    double cut = 0;
    int same = 1;
    for (int v = 0; v < w * h; v++) {
        int x = v % w, y = v / w, sv = seg__gridflow_is_source(&g, x, y);
        same &= sv == side[v];
        cut += sv ? tw[2 * v + 1] : tw[2 * v];
        for (int d = 0; d < 8; d++) {
            int x2 = x + seg__grid_dx[d], y2 = y + seg__grid_dy[d];
            if (sv && x2 >= 0 && y2 >= 0 && x2 < w && y2 < h && !seg__gridflow_is_source(&g, x2, y2))
                cut += ew[v * 8 + d];
        }
    }
    CHECK(fabs(cut - want) <= 1e-6);
    CHECK(same);
    free(side);
    free(tw);
    free(ew);
    oracle_free(&o);
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
    /* tall grids: 2, 4 and 16 bands merged pairwise */
    random_grid(5, 96, seed++, 80);
    random_grid(17, 200, seed++, 60);
    random_grid(9, 777, seed++, 90);
    random_grid(24, 256, seed++, 100);
    return check_report();
}
