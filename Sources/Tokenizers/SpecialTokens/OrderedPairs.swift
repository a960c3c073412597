/// A tiny insertion-ordered map with Python dict semantics: assigning to an existing
/// key keeps its position. The converter's output order follows dict order, so ours
/// must too.
struct OrderedPairs<Value: Equatable & Sendable>: Equatable, Sendable {
    private(set) var entries: [(key: String, value: Value)] = []

    subscript(key: String) -> Value? {
        entries.first { $0.key == key }?.value
    }

    func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// `d[key] = value`.
    mutating func set(_ key: String, _ value: Value) {
        if let position = entries.firstIndex(where: { $0.key == key }) {
            entries[position].value = value
        } else {
            entries.append((key, value))
        }
    }

    /// `d.setdefault(key, value)`.
    mutating func setDefault(_ key: String, _ value: Value) {
        if !contains(key) { entries.append((key, value)) }
    }

    static func == (lhs: OrderedPairs, rhs: OrderedPairs) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
