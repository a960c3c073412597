/// Collects the pieces one splitter cuts a segment into, as scalar counts (the
/// representation every splitting step takes and returns).
struct SegmentWriter {
    private(set) var lengths: [Int] = []
    /// End of the last piece written.
    private var mark = 0

    init(capacity: Int) {
        lengths.reserveCapacity(capacity)
    }

    /// Starts a new input segment at scalar index `start`.
    mutating func begin(at start: Int) {
        mark = start
    }

    /// Ends the current piece at `end`; empty pieces are dropped.
    mutating func cut(at end: Int) {
        if end > mark { lengths.append(end - mark) }
        mark = end
    }
}
