/* The one parallel-for every operation uses. The split into pieces depends only on the
 * problem size, never on the thread count.
 *
 * A small pthread pool rather than an OpenMP parallel region: the caller takes pieces
 * itself and waits only for workers that actually joined the job, never for one the OS
 * has not scheduled yet. An OpenMP region ends with a barrier that every team thread
 * must reach, so on a busy machine each call could stall for a scheduler time slice
 * (10-30 ms measured with 2 threads on a loaded 2-core machine, for work of 1 ms);
 * cv2's own pool avoids this the same way. */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int requested_threads; /* 0 = default */

static int default_threads(void)
{
    const char *env = getenv("SEGKIT_NUM_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0 && v <= 1024)
            return (int)v;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)SEG_MIN(n, 1024) : 1;
}

void seg_set_num_threads(int n)
{
    atomic_store(&requested_threads, n > 0 ? SEG_MIN(n, 1024) : 0);
}

int seg_get_num_threads(void)
{
    int n = atomic_load(&requested_threads);
    return n > 0 ? n : default_threads();
}

int64_t seg__grain(int64_t n, int64_t min_grain)
{
    /* 64 pieces suit 1..16 threads; fixed so that results never depend on threads. */
    int64_t g = (n + 63) / 64;
    return g < min_grain ? min_grain : g;
}

/* Pool state; the job fields are written under `mu` before workers are woken, and only
 * read by the caller and by workers counted in `active`. A job is complete when the
 * caller has run out of pieces and no worker is active. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    int workers;      /* threads started so far (only grows) */
    int slots;        /* workers still allowed to join the current job */
    int active;       /* workers inside the current job */
    int busy;         /* a job is running: nested or concurrent calls run serially */
    unsigned long gen;/* job counter, so a worker joins each job at most once */
    seg_range_fn fn;
    void *ctx;
    int64_t n, grain, pieces;
    atomic_llong next;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
          .done = PTHREAD_COND_INITIALIZER};

static void run_pieces(void)
{
    for (;;) {
        int64_t p = atomic_fetch_add(&pool.next, 1);
        if (p >= pool.pieces)
            return;
        pool.fn(pool.ctx, p * pool.grain, SEG_MIN(pool.n, (p + 1) * pool.grain));
    }
}

static void *worker(void *arg)
{
    unsigned long seen = 0;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (pool.gen == seen || pool.slots == 0) {
            seen = pool.gen; /* a job with no free slot is skipped */
            pthread_cond_wait(&pool.wake, &pool.mu);
        }
        seen = pool.gen;
        pool.slots--;
        pool.active++;
        pthread_mutex_unlock(&pool.mu);
        run_pieces();
        pthread_mutex_lock(&pool.mu);
        if (--pool.active == 0)
            pthread_cond_signal(&pool.done);
    }
    return arg;
}

/* A forked child has none of the parent's workers: start again from an empty pool. */
static void pool_after_fork_child(void)
{
    pthread_mutex_init(&pool.mu, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.done, NULL);
    pool.workers = pool.slots = pool.active = pool.busy = 0;
}

void seg__parallel_for(int64_t n, int64_t grain, seg_range_fn fn, void *ctx)
{
    static atomic_int atfork_done;
    if (n <= 0)
        return;
    if (grain < 1)
        grain = 1;
    int64_t pieces = (n + grain - 1) / grain;
    int threads = seg_get_num_threads();
    if (threads > pieces)
        threads = (int)pieces;
    if (threads > 1 && !atomic_exchange(&atfork_done, 1))
        pthread_atfork(NULL, NULL, pool_after_fork_child);
    pthread_mutex_lock(&pool.mu);
    if (threads <= 1 || pool.busy) {
        pthread_mutex_unlock(&pool.mu);
        for (int64_t p = 0; p < pieces; p++)
            fn(ctx, p * grain, SEG_MIN(n, (p + 1) * grain));
        return;
    }
    while (pool.workers < threads - 1) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, NULL) != 0)
            break; /* fewer helpers; the caller still does every piece left */
        pthread_detach(t);
        pool.workers++;
    }
    pool.busy = 1;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.grain = grain;
    pool.pieces = pieces;
    atomic_store(&pool.next, 0);
    pool.slots = threads - 1;
    pool.gen++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.mu);

    run_pieces();

    pthread_mutex_lock(&pool.mu);
    pool.slots = 0; /* late wakers skip this job */
    while (pool.active > 0)
        pthread_cond_wait(&pool.done, &pool.mu);
    pool.busy = 0;
    pthread_mutex_unlock(&pool.mu);
}
