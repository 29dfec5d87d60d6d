/* Boykov-Kolmogorov max-flow on a padded 8-connected grid (see maxflow.h).
 *
 * Follows the structure of Kolmogorov's maxflow-v3 (and OpenCV's GCGraph::maxFlow):
 * grow the source and sink search trees from active nodes until an arc joins them,
 * augment along the path, then re-attach or free the orphaned nodes, preferring the
 * parent closest to its terminal (the ts/dist heuristic). */
#include "internal.h"
#include "maxflow.h"

#include <limits.h>
#include <string.h>

#define GF_NONE (-1)
#define GF_TERMINAL 8
#define GF_ORPHAN 9

const int seg__grid_dx[8] = {1, -1, 0, 0, 1, -1, -1, 1};
const int seg__grid_dy[8] = {0, 0, 1, -1, 1, -1, 1, -1};

int seg__gridflow_init(seg__gridflow *g, int w, int h)
{
    memset(g, 0, sizeof(*g));
    size_t nodes, caps;
    if (w < 1 || h < 1 || !seg__mul((size_t)w + 2, (size_t)h + 2, &nodes) || nodes >= INT32_MAX ||
        !seg__mul(nodes, 8 * sizeof(float), &caps))
        return seg__fail(SEG_EOVERFLOW, "maxflow: grid %dx%d is too large", w, h);
    g->w = w;
    g->h = h;
    g->pw = w + 2;
    g->nodes = (int64_t)nodes;
    g->cap = seg__calloc(nodes * 8, sizeof(float));
    g->tr = seg__calloc(nodes, sizeof(float));
    g->parent = seg__malloc(nodes);
    g->sink = seg__calloc(nodes, 1);
    g->next = seg__malloc(nodes * sizeof(int32_t));
    g->ts = seg__malloc(nodes * sizeof(int32_t));
    g->dist = seg__malloc(nodes * sizeof(int32_t));
    g->orphans = seg__malloc(nodes * sizeof(int32_t));
    if (!g->cap || !g->tr || !g->parent || !g->sink || !g->next || !g->ts || !g->dist ||
        !g->orphans) {
        seg__gridflow_free(g);
        return seg__fail(SEG_ENOMEM, "maxflow: out of memory for a %dx%d grid", w, h);
    }
    memset(g->parent, GF_NONE, nodes);
    return SEG_OK;
}

void seg__gridflow_free(seg__gridflow *g)
{
    if (!g)
        return;
    seg__free(g->cap);
    seg__free(g->tr);
    seg__free(g->parent);
    seg__free(g->sink);
    seg__free(g->next);
    seg__free(g->ts);
    seg__free(g->dist);
    seg__free(g->orphans);
    memset(g, 0, sizeof(*g));
}

void seg__gridflow_set_edge(seg__gridflow *g, int x, int y, int d, float cap, float rev_cap)
{
    int64_t v = seg__gridflow_node(g, x, y);
    int64_t u = seg__gridflow_node(g, x + seg__grid_dx[d], y + seg__grid_dy[d]);
    g->cap[v * 8 + d] = cap;
    g->cap[u * 8 + (d ^ 1)] = rev_cap;
}

void seg__gridflow_add_tweights(seg__gridflow *g, int x, int y, float source, float sink)
{
    int64_t v = seg__gridflow_node(g, x, y);
    float dw = g->tr[v];
    if (dw > 0)
        source += dw;
    else
        sink -= dw;
    g->flow += source < sink ? source : sink;
    g->tr[v] = source - sink;
}

typedef struct gf_run {
    seg__gridflow *g;
    int64_t off[8];
    int64_t first, last; /* active FIFO (0 = empty; node 0 is dead padding) */
    int32_t time;
} gf_run;

static void set_active(gf_run *r, int64_t v)
{
    int32_t *next = r->g->next;
    if (next[v])
        return;
    if (r->last)
        next[r->last] = (int32_t)v;
    else
        r->first = v;
    r->last = v;
    next[v] = (int32_t)v;
}

static int64_t next_active(gf_run *r)
{
    seg__gridflow *g = r->g;
    for (;;) {
        int64_t v = r->first;
        if (!v)
            return 0;
        if (g->next[v] == v)
            r->first = r->last = 0;
        else
            r->first = g->next[v];
        g->next[v] = 0;
        if (g->parent[v] != GF_NONE)
            return v;
    }
}

static inline void set_orphan(seg__gridflow *g, int64_t v)
{
    g->parent[v] = GF_ORPHAN;
    g->orphans[g->norphans++] = (int32_t)v;
}

/* Augment along source root -> ... -> s -(a)-> t -> ... -> sink root. */
static void augment(gf_run *r, int64_t s, int a)
{
    seg__gridflow *g = r->g;
    const int64_t *off = r->off;
    float *cap = g->cap;
    int64_t t = s + off[a], v;
    float b = cap[s * 8 + a];
    for (v = s;;) {
        int p = g->parent[v];
        if (p == GF_TERMINAL)
            break;
        int64_t u = v + off[p];
        float c = cap[u * 8 + (p ^ 1)];
        b = c < b ? c : b;
        v = u;
    }
    b = g->tr[v] < b ? g->tr[v] : b;
    for (v = t;;) {
        int p = g->parent[v];
        if (p == GF_TERMINAL)
            break;
        float c = cap[v * 8 + p];
        b = c < b ? c : b;
        v += off[p];
    }
    b = -g->tr[v] < b ? -g->tr[v] : b;

    cap[s * 8 + a] -= b;
    cap[t * 8 + (a ^ 1)] += b;
    for (v = s;;) {
        int p = g->parent[v];
        if (p == GF_TERMINAL)
            break;
        int64_t u = v + off[p];
        cap[v * 8 + p] += b;
        if ((cap[u * 8 + (p ^ 1)] -= b) == 0)
            set_orphan(g, v);
        v = u;
    }
    if ((g->tr[v] -= b) == 0)
        set_orphan(g, v);
    for (v = t;;) {
        int p = g->parent[v];
        if (p == GF_TERMINAL)
            break;
        int64_t u = v + off[p];
        cap[u * 8 + (p ^ 1)] += b;
        if ((cap[v * 8 + p] -= b) == 0)
            set_orphan(g, v);
        v = u;
    }
    if ((g->tr[v] += b) == 0)
        set_orphan(g, v);
    g->flow += b;
}

/* Re-attach orphan i of tree `sink` to the neighbour nearest its terminal, or free it. */
static void process_orphan(gf_run *r, int64_t i)
{
    seg__gridflow *g = r->g;
    const int64_t *off = r->off;
    const float *cap = g->cap;
    int is_sink = g->sink[i];
    int a0 = GF_NONE, d_min = INT_MAX;
    for (int a = 0; a < 8; a++) {
        int64_t j = i + off[a];
        /* source tree: flow must reach i from j (arc j -> i); sink tree: i -> j */
        float c = is_sink ? cap[i * 8 + a] : cap[j * 8 + (a ^ 1)];
        if (c <= 0 || g->sink[j] != is_sink || g->parent[j] == GF_NONE)
            continue;
        int d = 0;
        int64_t k = j;
        for (;;) {
            if (g->ts[k] == r->time) {
                d += g->dist[k];
                break;
            }
            int p = g->parent[k];
            d++;
            if (p == GF_TERMINAL) {
                g->ts[k] = r->time;
                g->dist[k] = 1;
                break;
            }
            if (p == GF_ORPHAN) {
                d = INT_MAX;
                break;
            }
            k += off[p];
        }
        if (d < INT_MAX) {
            if (d < d_min) {
                a0 = a;
                d_min = d;
            }
            for (k = j; g->ts[k] != r->time; k += off[(int)g->parent[k]]) {
                g->ts[k] = r->time;
                g->dist[k] = d--;
            }
        }
    }
    if (a0 != GF_NONE) {
        g->parent[i] = (int8_t)a0;
        g->ts[i] = r->time;
        g->dist[i] = d_min + 1;
        return;
    }
    /* no parent: i becomes free; its children become orphans, neighbours that could
     * grow into it become active */
    for (int a = 0; a < 8; a++) {
        int64_t j = i + off[a];
        int p = g->parent[j];
        if (g->sink[j] != is_sink || p == GF_NONE)
            continue;
        float c = is_sink ? cap[i * 8 + a] : cap[j * 8 + (a ^ 1)];
        if (c > 0)
            set_active(r, j);
        if (p == (a ^ 1))
            set_orphan(g, j);
    }
    g->parent[i] = GF_NONE;
}

int seg__gridflow_maxflow(seg__gridflow *g)
{
    gf_run r = {.g = g};
    for (int d = 0; d < 8; d++)
        r.off[d] = (int64_t)seg__grid_dy[d] * g->pw + seg__grid_dx[d];
    g->norphans = 0;
    memset(g->next, 0, (size_t)g->nodes * sizeof(int32_t));
    for (int64_t v = 0; v < g->nodes; v++) {
        g->ts[v] = 0;
        g->dist[v] = 1;
        if (g->tr[v] != 0) {
            g->sink[v] = g->tr[v] < 0;
            g->parent[v] = GF_TERMINAL;
            set_active(&r, v);
        } else {
            g->sink[v] = 0;
            g->parent[v] = GF_NONE;
        }
    }
    const int64_t *off = r.off;
    float *cap = g->cap;
    int64_t cur = 0;
    for (;;) {
        if (cur) {
            g->next[cur] = 0;
            if (g->parent[cur] == GF_NONE)
                cur = 0;
        }
        if (!cur && !(cur = next_active(&r)))
            break;
        int64_t i = cur, s = -1;
        int sa = 0;
        if (!g->sink[i]) {
            for (int a = 0; a < 8; a++) {
                if (!(cap[i * 8 + a] > 0))
                    continue;
                int64_t j = i + off[a];
                if (g->parent[j] == GF_NONE) {
                    g->sink[j] = 0;
                    g->parent[j] = (int8_t)(a ^ 1);
                    g->ts[j] = g->ts[i];
                    g->dist[j] = g->dist[i] + 1;
                    set_active(&r, j);
                } else if (g->sink[j]) {
                    s = i;
                    sa = a;
                    break;
                } else if (g->ts[j] <= g->ts[i] && g->dist[j] > g->dist[i]) {
                    g->parent[j] = (int8_t)(a ^ 1);
                    g->ts[j] = g->ts[i];
                    g->dist[j] = g->dist[i] + 1;
                }
            }
        } else {
            for (int a = 0; a < 8; a++) {
                int64_t j = i + off[a];
                if (!(cap[j * 8 + (a ^ 1)] > 0))
                    continue;
                if (g->parent[j] == GF_NONE) {
                    g->sink[j] = 1;
                    g->parent[j] = (int8_t)(a ^ 1);
                    g->ts[j] = g->ts[i];
                    g->dist[j] = g->dist[i] + 1;
                    set_active(&r, j);
                } else if (!g->sink[j]) {
                    s = j;
                    sa = a ^ 1;
                    break;
                } else if (g->ts[j] <= g->ts[i] && g->dist[j] > g->dist[i]) {
                    g->parent[j] = (int8_t)(a ^ 1);
                    g->ts[j] = g->ts[i];
                    g->dist[j] = g->dist[i] + 1;
                }
            }
        }
        r.time++;
        if (s < 0) {
            cur = 0;
            continue;
        }
        g->next[i] = (int32_t)i; /* keep i current: not re-queued while we augment */
        augment(&r, s, sa);
        while (g->norphans) {
            int64_t v = g->orphans[--g->norphans];
            process_orphan(&r, v);
        }
    }
    return SEG_OK;
}
