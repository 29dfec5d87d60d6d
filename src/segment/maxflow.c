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

/* One solve over the nodes [lo, hi) (a band of whole padded rows, or the whole grid).
 * Arcs leaving the band must have zero residual capacity in both directions while it
 * runs, so bands share the node arrays without touching each other's nodes. */
typedef struct gf_run {
    seg__gridflow *g;
    int64_t off[8];
    int64_t lo, hi;
    int64_t first, last; /* active FIFO (0 = empty; node 0 is dead padding) */
    int32_t *ring;       /* orphan deque: hi - lo slots (a node is queued at most once) */
    int64_t head, count;
    int32_t time;
    double flow;
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

/* Like Kolmogorov's code: augmentation queues orphans at the front, the children of a
 * freed node at the back; processing takes from the front. */
static inline void set_orphan_front(gf_run *r, int64_t v)
{
    int64_t size = r->hi - r->lo;
    r->g->parent[v] = GF_ORPHAN;
    r->head = r->head == 0 ? size - 1 : r->head - 1;
    r->ring[r->head] = (int32_t)v;
    r->count++;
}

static inline void set_orphan_rear(gf_run *r, int64_t v)
{
    int64_t size = r->hi - r->lo, t = r->head + r->count;
    r->g->parent[v] = GF_ORPHAN;
    r->ring[t >= size ? t - size : t] = (int32_t)v;
    r->count++;
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
            set_orphan_front(r, v);
        v = u;
    }
    if ((g->tr[v] -= b) == 0)
        set_orphan_front(r, v);
    for (v = t;;) {
        int p = g->parent[v];
        if (p == GF_TERMINAL)
            break;
        int64_t u = v + off[p];
        cap[u * 8 + (p ^ 1)] += b;
        if ((cap[v * 8 + p] -= b) == 0)
            set_orphan_front(r, v);
        v = u;
    }
    if ((g->tr[v] += b) == 0)
        set_orphan_front(r, v);
    r->flow += b;
}

/* Re-attach orphan i to the neighbour of its tree nearest the terminal, or free it. */
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
    /* No parent: i becomes free; its children become orphans, and neighbours that could
     * grow into it become active. A neighbour joined to i by no residual arc either way
     * can be neither (this also keeps bands off each other's nodes). */
    for (int a = 0; a < 8; a++) {
        int64_t j = i + off[a];
        float c_in = is_sink ? cap[i * 8 + a] : cap[j * 8 + (a ^ 1)]; /* arc j can grow by */
        float c_out = is_sink ? cap[j * 8 + (a ^ 1)] : cap[i * 8 + a]; /* arc to a child */
        if (!(c_in > 0) && !(c_out > 0))
            continue;
        int p = g->parent[j];
        if (g->sink[j] != is_sink || p == GF_NONE)
            continue;
        if (c_in > 0)
            set_active(r, j);
        if (p == (a ^ 1))
            set_orphan_rear(r, j);
    }
    g->parent[i] = GF_NONE;
}

static void solve(gf_run *r)
{
    seg__gridflow *g = r->g;
    const int64_t *off = r->off;
    float *cap = g->cap;
    /* Greedy start: push flow along every source -> v -> u -> sink path in node order;
     * cheap, and it removes many of the short augmentations BK would find one by one. */
    for (int64_t v = r->lo; v < r->hi; v++) {
        if (!(g->tr[v] > 0))
            continue;
        for (int d = 0; d < 8 && g->tr[v] > 0; d++) {
            int64_t u = v + off[d];
            float c = cap[v * 8 + d];
            if (!(c > 0) || !(g->tr[u] < 0))
                continue;
            float f = SEG_MIN(SEG_MIN(g->tr[v], -g->tr[u]), c);
            cap[v * 8 + d] = c - f;
            cap[u * 8 + (d ^ 1)] += f;
            g->tr[v] -= f;
            g->tr[u] += f;
            r->flow += f;
        }
    }
    for (int64_t v = r->lo; v < r->hi; v++) {
        g->next[v] = 0;
        g->ts[v] = 0;
        g->dist[v] = 1;
        if (g->tr[v] != 0) {
            g->sink[v] = g->tr[v] < 0;
            g->parent[v] = GF_TERMINAL;
            set_active(r, v);
        } else {
            g->sink[v] = 0;
            g->parent[v] = GF_NONE;
        }
    }
    int64_t cur = 0;
    for (;;) {
        if (cur) {
            g->next[cur] = 0;
            if (g->parent[cur] == GF_NONE)
                cur = 0;
        }
        if (!cur && !(cur = next_active(r)))
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
                    set_active(r, j);
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
                    set_active(r, j);
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
        r->time++;
        if (s < 0) {
            cur = 0;
            continue;
        }
        g->next[i] = (int32_t)i; /* keep i current: not re-queued while we augment */
        augment(r, s, sa);
        while (r->count) {
            int64_t v = r->ring[r->head];
            r->head = r->head + 1 == r->hi - r->lo ? 0 : r->head + 1;
            r->count--;
            process_orphan(r, v);
        }
    }
}

static void init_run(gf_run *r, seg__gridflow *g, int64_t lo, int64_t hi)
{
    memset(r, 0, sizeof(*r));
    r->g = g;
    for (int d = 0; d < 8; d++)
        r->off[d] = (int64_t)seg__grid_dy[d] * g->pw + seg__grid_dx[d];
    r->lo = lo;
    r->hi = hi;
    r->ring = g->orphans + lo;
}

/* Bands: a power of two fixed by the grid height (never by the thread count). */
static int band_count(const seg__gridflow *g)
{
    int n = 1;
    while (n < 16 && g->h / (2 * n) >= 48)
        n *= 2;
    return n;
}

static inline int band_y0(const seg__gridflow *g, int b, int n)
{
    return (int)((int64_t)g->h * b / n);
}

/* Save and zero (restore = 0), or restore, the arcs crossing the boundary above band k:
 * from the last row of band k - 1 down (S, SE, SW) and back up (N, NW, NE). */
static void cross_arcs(seg__gridflow *g, int k, int n, float *save, int restore)
{
    static const int down[3] = {2, 4, 6};
    int y = band_y0(g, k, n);
    float *q = save + (size_t)(k - 1) * g->w * 6;
    for (int x = 0; x < g->w; x++) {
        int64_t up = seg__gridflow_node(g, x, y - 1);
        for (int i = 0; i < 3; i++) {
            int d = down[i];
            int64_t dn = up + (int64_t)seg__grid_dy[d] * g->pw + seg__grid_dx[d];
            float *a = &g->cap[up * 8 + d], *b = &g->cap[dn * 8 + (d ^ 1)];
            if (restore) {
                *a = q[0];
                *b = q[1];
            } else {
                q[0] = *a;
                q[1] = *b;
                *a = *b = 0;
            }
            q += 2;
        }
    }
}

typedef struct band_ctx {
    seg__gridflow *g;
    int n, size; /* bands, bands per group at this level */
    float *save;
    double *flow;
} band_ctx;

/* Solve group k of `size` bands: reconnect its two halves (size > 1), then run BK over
 * the group from the flows its halves left. */
static void group_piece(void *vctx, int64_t b, int64_t e)
{
    band_ctx *c = vctx;
    for (int64_t k = b; k < e; k++) {
        int first = (int)k * c->size, last = first + c->size;
        if (c->size > 1)
            cross_arcs(c->g, first + c->size / 2, c->n, c->save, 1);
        int y0 = band_y0(c->g, first, c->n), y1 = band_y0(c->g, last, c->n);
        gf_run r;
        init_run(&r, c->g, (int64_t)(y0 + 1) * c->g->pw, (int64_t)(y1 + 1) * c->g->pw);
        solve(&r);
        c->flow[k] += r.flow;
    }
}

int seg__gridflow_maxflow(seg__gridflow *g)
{
    /* Divide and merge: solve fixed horizontal bands on their own (arcs between bands held
     * at zero), then pairs of bands, and so on up to the whole grid. A part's flow is a
     * valid flow of the whole graph, so each merge only routes what crosses the new
     * boundary; the final pass over the whole grid (padding rows included) makes the cut
     * exact. Groups of one level run in parallel. */
    int n = band_count(g);
    if (n > 1) {
        float *save = seg__malloc((size_t)(n - 1) * g->w * 6 * sizeof(float));
        double flows[16] = {0};
        if (!save)
            return seg__fail(SEG_ENOMEM, "maxflow: out of memory");
        for (int k = 1; k < n; k++)
            cross_arcs(g, k, n, save, 0);
        for (int size = 1; size < n; size *= 2) {
            band_ctx c = {g, n, size, save, flows};
            seg__parallel_for(n / size, 1, group_piece, &c);
        }
        cross_arcs(g, n / 2, n, save, 1);
        seg__free(save);
        for (int k = 0; k < n; k++)
            g->flow += flows[k];
    }
    gf_run r;
    init_run(&r, g, 0, g->nodes);
    solve(&r);
    g->flow += r.flow;
    return SEG_OK;
}
