// Spin-then-sleep worker pool: a generation counter announces each loop, tasks are claimed with an atomic counter.
#include "worker_pool.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define gk_relax() _mm_pause()
#elif defined(__aarch64__)
#define gk_relax() __asm__ volatile("yield")
#else
#define gk_relax() ((void)0)
#endif

/// Spin iterations before an idle worker sleeps (about 100 µs): covers the gap between two products of one token.
#define GK_SPIN_LIMIT 4096

struct gk_pool {
    int threads;
    pthread_t *handles;
    pthread_mutex_t busy;  // held by the thread whose loop is running
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    _Atomic unsigned generation;
    _Atomic int next_task;
    _Atomic int pending_workers;
    _Atomic int stopping;
    int count;
    gk_pool_task task;
    void *context;
};

typedef struct {
    gk_pool *pool;
    int index;
} worker_start;

static void run_tasks(gk_pool *pool, int worker) {
    for (;;) {
        const int task = atomic_fetch_add_explicit(&pool->next_task, 1, memory_order_relaxed);
        if (task >= pool->count) return;
        pool->task(pool->context, task, worker);
    }
}

static void *worker_main(void *argument) {
    worker_start start = *(worker_start *)argument;
    free(argument);
    gk_pool *pool = start.pool;
    unsigned seen = 0;
    for (;;) {
        unsigned current;
        int spins = 0;
        while ((current = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
            if (++spins < GK_SPIN_LIMIT) {
                gk_relax();
                continue;
            }
            pthread_mutex_lock(&pool->sleep_lock);
            while (atomic_load_explicit(&pool->generation, memory_order_acquire) == seen) {
                pthread_cond_wait(&pool->wake, &pool->sleep_lock);
            }
            pthread_mutex_unlock(&pool->sleep_lock);
            spins = 0;
        }
        seen = current;
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        run_tasks(pool, start.index);
        atomic_fetch_sub_explicit(&pool->pending_workers, 1, memory_order_acq_rel);
    }
}

gk_pool *gk_pool_create(int threads) {
    if (threads < 1) threads = 1;
    gk_pool *pool = calloc(1, sizeof(gk_pool));
    if (!pool) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->busy, NULL);
    pthread_mutex_init(&pool->sleep_lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pool->handles = calloc((size_t)threads, sizeof(pthread_t));
    if (!pool->handles) {
        free(pool);
        return NULL;
    }
    for (int i = 1; i < threads; i++) {
        worker_start *start = malloc(sizeof(worker_start));
        int failed = start == NULL;
        if (!failed) {
            start->pool = pool;
            start->index = i;
            failed = pthread_create(&pool->handles[i], NULL, worker_main, start) != 0;
            if (failed) free(start);
        }
        if (failed) {
            pool->threads = i;  // the workers started so far are joined by destroy
            gk_pool_destroy(pool);
            return NULL;
        }
    }
    return pool;
}

void gk_pool_destroy(gk_pool *pool) {
    if (!pool) return;
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->handles[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->sleep_lock);
    pthread_mutex_destroy(&pool->busy);
    free(pool->handles);
    free(pool);
}

void gk_pool_run(gk_pool *pool, int count, gk_pool_task task, void *context) {
    if (count <= 0) return;
    if (!pool || pool->threads == 1 || count == 1 || pthread_mutex_trylock(&pool->busy) != 0) {
        for (int i = 0; i < count; i++) task(context, i, 0);
        return;
    }
    pool->count = count;
    pool->task = task;
    pool->context = context;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool->pending_workers, pool->threads - 1, memory_order_relaxed);
    // Publishing the new generation under the sleep lock means a worker deciding to sleep cannot miss it.
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    run_tasks(pool, 0);
    while (atomic_load_explicit(&pool->pending_workers, memory_order_acquire) > 0) gk_relax();
    pthread_mutex_unlock(&pool->busy);
}
