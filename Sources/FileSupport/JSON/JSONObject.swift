/// One `"key": value` pair of a JSON object.
public struct JSONMember: Equatable, Sendable {
    /// The member name, escapes decoded.
    public let key: String
    /// Byte offset of the key's opening quote in the parsed text; 0 for members built in code.
    public let keyOffset: Int
    /// The member's value.
    public let value: JSONValue

    /// A member built in code; the parser supplies real key offsets.
    public init(key: String, keyOffset: Int = 0, value: JSONValue) {
        self.key = key
        self.keyOffset = keyOffset
        self.value = value
    }
}

/// A JSON object that keeps its members in source order, repeated keys included.
///
/// Readers that must refuse a repeated key (a tensor listed twice) walk ``members``
/// and see every occurrence with its offset. Readers that want what Python's
/// `json.load` builds use the dictionary view: ``uniqueMembers``, ``keys``, ``count``
/// and the subscript, where a repeated key keeps its first position and takes its last
/// value.
///
/// Keys are matched by code points, as Python and JavaScript compare strings, not by
/// Swift's canonical equivalence: `"é"` and `"e\u{301}"` are two different members.
public struct JSONObject: Equatable, Sendable {
    /// Objects up to this size are searched linearly; a hash index costs more than it
    /// saves on the small objects that make up most documents.
    private static let indexThreshold = 16

    /// Every member in source order, repeated keys included.
    public private(set) var members: [JSONMember]
    /// Key to the position in `members` of its last occurrence; only for large objects.
    private var lastIndexByKey: [CodePointKey: Int]?
    /// Positions in `members` of each distinct key's first and last occurrence, in
    /// order of first appearance; `nil` in the usual case where no key repeats.
    private var distinct: [(first: Int, last: Int)]?

    /// An empty object.
    public init() {
        members = []
    }

    /// Builds an object from `pairs`, as a dictionary literal would but keeping order.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init(members: pairs.map { JSONMember(key: $0.0, value: $0.1) })
    }

    /// Builds an object from members in source order, repeated keys allowed.
    public init(members: [JSONMember]) {
        self.members = members
        if members.count > Self.indexThreshold {
            buildIndex()
        } else {
            findRepeatsLinearly()
        }
    }

    /// The number of distinct keys.
    public var count: Int {
        distinct?.count ?? members.count
    }

    /// True when the object has no members.
    public var isEmpty: Bool {
        members.isEmpty
    }

    /// Distinct keys in order of first appearance.
    public var keys: [String] {
        uniqueMembers.map(\.key)
    }

    /// Each distinct key once, at its first position and with its last value; the
    /// members themselves (no copy) when no key repeats.
    public var uniqueMembers: [JSONMember] {
        guard let distinct else { return members }
        return distinct.map { first, last in
            JSONMember(key: members[first].key, keyOffset: members[first].keyOffset, value: members[last].value)
        }
    }

    /// The value of the last occurrence of `key`.
    public subscript(key: String) -> JSONValue? {
        lastIndex(of: key).map { members[$0].value }
    }

    /// Sets `key` like Python's `object[key] = value`: an existing key keeps its place
    /// and takes the value, a new key is appended.
    public mutating func set(_ value: JSONValue, for key: String) {
        if let position = lastIndex(of: key) {
            let old = members[position]
            members[position] = JSONMember(key: old.key, keyOffset: old.keyOffset, value: value)
            return
        }
        let position = members.count
        members.append(JSONMember(key: key, value: value))
        distinct?.append((position, position))
        if lastIndexByKey != nil {
            lastIndexByKey?[CodePointKey(key)] = position
        } else if members.count > Self.indexThreshold {
            buildIndex()
        }
    }

    /// Dictionary equality, as in Python: the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for member in lhs.uniqueMembers where rhs[member.key] != member.value { return false }
        return true
    }

    // MARK: Lookup

    private func lastIndex(of key: String) -> Int? {
        if let lastIndexByKey { return lastIndexByKey[CodePointKey(key)] }
        var position = members.count - 1
        while position >= 0 {
            if codePointsEqual(members[position].key, key) { return position }
            position -= 1
        }
        return nil
    }

    private mutating func buildIndex() {
        var index = [CodePointKey: Int](minimumCapacity: members.count)
        var repeats = false
        for position in members.indices {
            if index.updateValue(position, forKey: CodePointKey(members[position].key)) != nil { repeats = true }
        }
        lastIndexByKey = index
        distinct = nil
        guard repeats else { return }
        // Rare: a second pass puts the distinct keys in order of first appearance.
        var seen = Set<CodePointKey>(minimumCapacity: index.count)
        var order: [(first: Int, last: Int)] = []
        order.reserveCapacity(index.count)
        for position in members.indices {
            let key = CodePointKey(members[position].key)
            if seen.insert(key).inserted, let last = index[key] { order.append((position, last)) }
        }
        distinct = order
    }

    /// Quadratic, but only ever run on objects of at most `indexThreshold` members;
    /// the common case of distinct keys allocates nothing.
    private mutating func findRepeatsLinearly() {
        distinct = nil
        guard members.indices.contains(where: { position in
            members[..<position].contains { codePointsEqual($0.key, members[position].key) }
        }) else { return }
        var order: [(first: Int, last: Int)] = []
        for position in members.indices {
            let key = members[position].key
            if let slot = order.firstIndex(where: { codePointsEqual(members[$0.first].key, key) }) {
                order[slot].last = position
            } else {
                order.append((position, position))
            }
        }
        distinct = order
    }
}

/// Code-point equality; Swift's `==` on `String` would merge canonically equivalent keys.
private func codePointsEqual(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8)
}

/// A dictionary key that hashes and compares a string's UTF-8 bytes.
private struct CodePointKey: Hashable {
    let string: String

    init(_ string: String) {
        self.string = string
    }

    static func == (lhs: CodePointKey, rhs: CodePointKey) -> Bool {
        codePointsEqual(lhs.string, rhs.string)
    }

    func hash(into hasher: inout Hasher) {
        var copy = string
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
