/// A set of byte strings numbered in insertion order, with an open-addressing hash
/// index so a slice of a larger buffer can be looked up without copying it.
///
/// Token texts are compared as raw UTF-8 bytes on purpose: Swift `String` equality is
/// canonical equivalence, which would make "é" and "e\u{301}" the same token, while
/// llama.cpp (a `std::string` map) keeps them apart.
struct ByteStringTable: Sendable {
    /// All strings back to back.
    private(set) var storage: [UInt8] = []
    /// `offsets[i] ..< offsets[i + 1]` is string `i` in `storage`.
    private(set) var offsets: [Int] = [0]
    /// Hash slots holding string numbers, -1 when empty; the count is a power of two.
    private var slots: [Int32]
    private var hashes: [UInt64] = []

    /// An empty table sized for about `capacity` strings.
    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        storage.reserveCapacity(capacity * 8)
        offsets.reserveCapacity(capacity + 1)
        hashes.reserveCapacity(capacity)
    }

    /// Number of strings.
    var count: Int { offsets.count - 1 }

    /// The bytes of string `id`.
    func bytes(_ id: Int) -> ArraySlice<UInt8> {
        storage[offsets[id] ..< offsets[id + 1]]
    }

    /// Byte length of string `id`.
    func length(_ id: Int) -> Int {
        offsets[id + 1] - offsets[id]
    }

    /// FNV-1a over the bytes: short strings dominate, where it is as fast as anything fancier.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The number of the string equal to `bytes`, or -1.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        find(bytes, hash: Self.hash(bytes))
    }

    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let mask = slots.count - 1
        return storage.withUnsafeBufferPointer { stored in
            slots.withUnsafeBufferPointer { slots in
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let id = slots[slot]
                    if id < 0 { return -1 }
                    let index = Int(id)
                    if hashes[index] == hash {
                        let start = offsets[index], end = offsets[index + 1]
                        if end - start == bytes.count, Self.equal(stored, start, bytes) { return id }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private static func equal(_ stored: UnsafeBufferPointer<UInt8>, _ start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0 ..< bytes.count where stored[start + i] != bytes[i] {
            return false
        }
        return true
    }

    /// The number of `bytes`, appending it first when new.
    @discardableResult
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int32, inserted: Bool) {
        let h = Self.hash(bytes)
        let existing = find(bytes, hash: h)
        if existing >= 0 { return (existing, false) }
        return (append(bytes, hash: h), true)
    }

    /// Interns an array's bytes.
    @discardableResult
    mutating func intern(_ bytes: [UInt8]) -> (id: Int32, inserted: Bool) {
        bytes.withUnsafeBufferPointer { intern($0) }
    }

    /// The number of the string equal to `bytes`, or -1.
    func find(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { find($0) }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let id = Int32(count)
        storage.append(contentsOf: bytes)
        offsets.append(storage.count)
        hashes.append(hash)
        if count * 2 > slots.count {
            grow()
        } else {
            place(id, hash: hash)
        }
        return id
    }

    private mutating func place(_ id: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = id
    }

    /// Doubles the slot array and re-places every string.
    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for id in 0 ..< count {
            place(Int32(id), hash: hashes[id])
        }
    }
}
