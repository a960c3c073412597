import Foundation

/// Reusable scratch buffers, one per role, grown on demand and kept between calls so that
/// repeated batches do not pay for fresh pages every time.
final class Workspace {
    enum Slot: Int, CaseIterable {
        case residual, normed, qkv, attention, feedForward, ropeCos, ropeSin, scores, decode, headInput, logits, roundedInput,
             encodedInput, activationSums, packedPanels
    }

    private var buffers: [UnsafeMutablePointer<Float>?]
    private var capacities: [Int]

    init() {
        buffers = Array(repeating: nil, count: Slot.allCases.count)
        capacities = Array(repeating: 0, count: Slot.allCases.count)
    }

    deinit {
        for buffer in buffers { free(buffer) }
    }

    /// At least `count` floats for `slot`; earlier contents are not preserved when it grows.
    func floats(_ slot: Slot, count: Int) throws(InferenceError) -> UnsafeMutablePointer<Float> {
        let index = slot.rawValue
        if let buffer = buffers[index], capacities[index] >= count { return buffer }
        free(buffers[index])
        buffers[index] = nil
        capacities[index] = 0
        let buffer = try Self.allocate(count, what: "scratch buffer")
        buffers[index] = buffer
        capacities[index] = max(count, 1)
        return buffer
    }

    /// Allocates `count` floats on a 64-byte boundary (cache lines, vector loads, BLAS packing);
    /// release with `free`. Throws instead of trapping when the memory is not available.
    static func allocate(_ count: Int, what: String) throws(InferenceError) -> UnsafeMutablePointer<Float> {
        let (bytes, overflow) = max(count, 1).multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        var raw: UnsafeMutableRawPointer?
        guard !overflow, posix_memalign(&raw, 64, bytes) == 0, let raw else {
            throw .tooLarge(what: "\(what) of \(count) floats")
        }
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Multiplies sizes, throwing instead of overflowing.
    static func product(_ values: Int..., what: String) throws(InferenceError) -> Int {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: max(value, 0))
            guard !overflow else { throw .tooLarge(what: what) }
            result = next
        }
        return result
    }
}
