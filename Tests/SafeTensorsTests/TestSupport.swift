import Foundation
import TestSupport

extension TemporaryDirectory {
    /// Writes a hand-made safetensors file: `declaredLength` (default: the header's real
    /// length) as the 8-byte prefix, then the header text, then `data`.
    @discardableResult
    func writeRaw(_ name: String, header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        try write(name, bytes: rawSafeTensors(header: Array(header.utf8), data: data, declaredLength: declaredLength))
    }
}

func rawSafeTensors(header: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    var bytes: [UInt8] = []
    let length = declaredLength ?? UInt64(header.count)
    for shift in stride(from: 0, to: 64, by: 8) {
        bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
    }
    return bytes + header + data
}

/// Deterministic, non-repeating-looking bytes so misplaced data is caught.
func patternBytes(_ count: Int, seed: UInt8 = 1) -> [UInt8] {
    (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 17 &+ ($0 >> 8)) }
}
