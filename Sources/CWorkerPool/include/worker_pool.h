#ifndef GGUFKIT_WORKER_POOL_H
#define GGUFKIT_WORKER_POOL_H

/// A fixed set of worker threads for short parallel loops (one matrix-vector product per call while generating).
/// Idle workers spin briefly before sleeping, so back-to-back loops start in well under a microsecond instead of
/// paying a thread wake-up each time.
typedef struct gk_pool gk_pool;

/// Runs task `task` on worker `worker` (0 is the calling thread, 1 ..< threads the pool's own).
typedef void (*gk_pool_task)(void *context, int task, int worker);

/// A pool running loops on `threads` threads in all: the caller and `threads - 1` workers. NULL when threads
/// cannot be created (callers then run loops on their own thread).
gk_pool *gk_pool_create(int threads);

/// Stops and joins the workers.
void gk_pool_destroy(gk_pool *pool);

/// Runs tasks 0 ..< count, handed out one at a time, and returns when all are done. The caller works too. A call
/// made while another is running (from another thread, or from inside a task) runs its tasks on the caller alone,
/// all as worker 0.
void gk_pool_run(gk_pool *pool, int count, gk_pool_task task, void *context);

#endif
