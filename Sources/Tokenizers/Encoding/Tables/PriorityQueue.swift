/// An element of a ``PriorityQueue``: `precedes` says which of two comes out first.
protocol QueueOrdered {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A binary heap; the merge loops queue millions of candidate pairs on long texts.
struct PriorityQueue<Element: QueueOrdered> {
    private var heap: [Element] = []

    mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
    }

    mutating func push(_ element: Element) {
        heap.append(element)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Element.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, Element.precedes(heap[left], heap[best]) { best = left }
                if right < heap.count, Element.precedes(heap[right], heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}
