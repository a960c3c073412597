import CWorkerPool
import Foundation

/// Runs loops on a fixed number of workers.
///
/// Work is split so that each output element is computed by exactly one worker with the same
/// instructions whatever the worker count, which keeps results identical across thread counts.
///
/// Loops run on a ``WorkerPool`` whose idle threads spin briefly before sleeping: generating one token runs a few
/// hundred short loops, and waking a sleeping thread for each would cost more than many of the loops themselves.
struct Parallel: Sendable {
    let threads: Int
    private let pool: WorkerPool

    init(threads: Int) {
        self.threads = max(1, threads)
        pool = WorkerPool(threads: self.threads)
    }

    /// Calls `body(slice, worker)` on up to `threads` contiguous slices of `0..<count`,
    /// giving each worker at least `grain` items.
    func forEachSlice(_ count: Int, grain: Int = 1, _ body: (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, max(1, count / max(grain, 1)))
        if workers == 1 {
            body(0 ..< count, 0)
            return
        }
        forEachTask(workers) { slice, worker in
            let start = count * slice / workers
            let end = count * (slice + 1) / workers
            if start < end { body(start ..< end, worker) }
        }
    }

    /// Calls `body(task, worker)` for every task in `0..<count`, handing tasks out one at a
    /// time so uneven tasks balance across workers. `worker` is below `threads`.
    func forEachTask(_ count: Int, _ body: (Int, Int) -> Void) {
        guard count > 0 else { return }
        if threads == 1 || count == 1 {
            for task in 0 ..< count { body(task, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var box = TaskBody(body: body)
            withUnsafeMutablePointer(to: &box) { pointer in
                gk_pool_run(pool.handle, Int32(clamping: count), { context, task, worker in
                    context!.assumingMemoryBound(to: TaskBody.self).pointee.body(Int(task), Int(worker))
                }, pointer)
            }
        }
    }
}

/// The loop body handed to the C pool through its context pointer.
private struct TaskBody {
    let body: (Int, Int) -> Void
}

/// Owns the C worker pool; its threads stop when the last ``Parallel`` using it goes away.
final class WorkerPool: @unchecked Sendable {
    // @unchecked: the C pool serialises loops itself (a loop started while one runs runs on its caller).
    let handle: OpaquePointer?

    init(threads: Int) {
        handle = threads > 1 ? gk_pool_create(Int32(clamping: threads)) : nil
    }

    deinit {
        gk_pool_destroy(handle)
    }
}
