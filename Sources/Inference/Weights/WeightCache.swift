import Foundation

/// The byte budget for decoded F32 weights kept between calls (see ``InferenceOptions/weightCacheBytes``).
final class WeightCache: @unchecked Sendable {
    // @unchecked: `used` is only touched under `lock`.
    let budget: Int
    private let lock = NSLock()
    private var used = 0

    init(budget: Int) { self.budget = budget }

    /// Claims `bytes` of the budget; `false` (and nothing claimed) when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let (total, overflow) = used.addingReportingOverflow(bytes)
        guard !overflow, total <= budget else { return false }
        used = total
        return true
    }

    /// Returns bytes claimed by ``reserve(_:)`` that ended up unused.
    func release(_ bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        used = max(0, used - bytes)
    }

    /// Bytes claimed so far.
    var bytesUsed: Int {
        lock.lock()
        defer { lock.unlock() }
        return used
    }
}
