import Foundation

/// Runs loops on a fixed number of workers.
///
/// Work is split so that each output element is computed by exactly one worker with the same
/// instructions whatever the worker count, which keeps results identical across thread counts.
struct Parallel: Sendable {
    let threads: Int

    /// Calls `body(slice, worker)` on up to `threads` contiguous slices of `0..<count`,
    /// giving each worker at least `grain` items.
    func forEachSlice(_ count: Int, grain: Int = 1, _ body: (Range<Int>, Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, max(1, count / max(grain, 1)))
        if workers == 1 {
            body(0 ..< count, 0)
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = count * worker / workers
                let end = count * (worker + 1) / workers
                if start < end { shared.value(start ..< end, worker) }
            }
        }
    }

    /// Calls `body(task, worker)` for every task in `0..<count`, handing tasks out one at a
    /// time so uneven tasks balance across workers. `worker` is below `threads`.
    func forEachTask(_ count: Int, _ body: (Int, Int) -> Void) {
        guard count > 0 else { return }
        let workers = min(threads, count)
        if workers == 1 {
            for task in 0 ..< count { body(task, 0) }
            return
        }
        let counter = TaskCounter()
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while let task = counter.next(below: count) { shared.value(task, worker) }
            }
        }
    }
}

/// Hands a loop body to Dispatch's workers.
///
/// Bodies capture raw buffer pointers, which are not `Sendable`; they are safe to share here
/// because every worker writes a disjoint part of each buffer and the call waits for all of them.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A shared "next task" index.
private final class TaskCounter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
