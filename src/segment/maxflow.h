/* Max-flow / min-cut on an 8-connected grid graph (internal; used by grabcut.c).
 *
 * Boykov-Kolmogorov's algorithm ("An Experimental Comparison of Min-Cut/Max-Flow
 * Algorithms for Energy Minimization in Vision", PAMI 2004), the algorithm of OpenCV's
 * GCGraph, specialised to the grid: a node's 8 arcs are implicit (direction d to the
 * neighbour at (dx[d], dy[d]); d ^ 1 is the reverse direction), residual capacities sit
 * in one array of 8 floats per node, and the grid is padded by one ring of dead nodes so
 * that no neighbour lookup needs a bounds check. Capacities are float: augmenting
 * subtracts the path's minimum from each arc, which leaves the bottleneck arc at exactly
 * 0 and every other arc positive, so the algorithm terminates with an exact min cut of
 * the float capacities. */
#ifndef SEG_MAXFLOW_H
#define SEG_MAXFLOW_H

#include <stdint.h>

/* Directions: E, W, S, N, SE, NW, SW, NE (pairs d, d^1 are opposite). */
extern const int seg__grid_dx[8];
extern const int seg__grid_dy[8];

typedef struct seg__gridflow {
    int w, h;       /* interior size */
    int pw;         /* padded width w + 2 */
    int64_t nodes;  /* (w + 2) * (h + 2) */
    float *cap;     /* nodes * 8: residual capacity of the arc node -> neighbour(d) */
    float *tr;      /* nodes: terminal residual, > 0 from source, < 0 to sink */
    double flow;    /* flow through t-links cancelled at set-up + augmented flow */
    /* solver state */
    int8_t *parent; /* direction to the parent, or GF_TERMINAL / GF_ORPHAN / GF_NONE */
    uint8_t *sink;  /* node in the sink tree */
    int32_t *next;  /* active list links (0: not in list; self-loop ends the list) */
    int32_t *ts, *dist;
    int32_t *orphans; /* orphan queue storage, one slot per node */
} seg__gridflow;

/* Node index of interior pixel (x, y). */
static inline int64_t seg__gridflow_node(const seg__gridflow *g, int x, int y)
{
    return (int64_t)(y + 1) * g->pw + (x + 1);
}

/* Allocate a w x h grid with all capacities 0. Returns SEG_OK or SEG_ENOMEM/EOVERFLOW
 * (message set). */
int seg__gridflow_init(seg__gridflow *g, int w, int h);
void seg__gridflow_free(seg__gridflow *g);

/* Set the capacities of the arc from (x, y) in direction d and of its reverse. The
 * neighbour must be inside the grid. */
void seg__gridflow_set_edge(seg__gridflow *g, int x, int y, int d, float cap, float rev_cap);

/* Add terminal capacities source -> (x, y) and (x, y) -> sink (cancelling the common part
 * into `flow`, as GCGraph::addTermWeights). */
void seg__gridflow_add_tweights(seg__gridflow *g, int x, int y, float source, float sink);

/* Run the max-flow; g->flow is then the max-flow value. SEG_OK or SEG_ENOMEM. */
int seg__gridflow_maxflow(seg__gridflow *g);

/* After the max-flow: 1 when (x, y) is on the source side of the min cut (every node not
 * in the sink's search tree, i.e. not able to reach the sink in the residual graph). */
static inline int seg__gridflow_is_source(const seg__gridflow *g, int x, int y)
{
    int64_t v = seg__gridflow_node(g, x, y);
    return !(g->sink[v] && g->parent[v] >= 0);
}

#endif
