import GGUF

/// Refuses, before anything is written, to store BF16 values too large for F16: F16 holds at
/// most ±65504, and a value from 65520 up would become infinity, which turns every output of the
/// model into NaN. BF16 keeps F32's range, so it is the type to suggest. (F32 sources keep
/// llama.cpp's converter behaviour, rounding to infinity, as `numpy.astype` does.)
enum F16RangeCheck {
    /// The smallest magnitude that F16 rounding turns into infinity (65504 plus half a step).
    static let overflowMagnitude: Float = 65520

    /// Throws ``ConversionError/valuesOutsideF16Range(tensors:largest:)`` naming every tensor
    /// planned as F16 whose BF16 source holds a finite value F16 cannot represent. `release`
    /// drops each tensor's pages after its scan, so memory stays flat on large models.
    static func check(_ plan: [PlannedTensor], bytes: (PlannedTensor) throws -> (UnsafeRawBufferPointer, GGMLType),
                      release: (PlannedTensor) -> Void, prefetch: (PlannedTensor) -> Void = { _ in }) throws {
        var offenders: [String] = []
        var largest: Float = 0
        let checked = plan.filter { $0.targetType == .f16 && $0.sourceType == .bf16 }
        for (index, tensor) in checked.enumerated() {
            if index + 1 < checked.count { prefetch(checked[index + 1]) }
            let (source, type) = try bytes(tensor)
            defer { release(tensor) }
            guard let peak = largestFiniteMagnitude(source, type: type), peak >= overflowMagnitude else { continue }
            offenders.append(tensor.ggufName)
            largest = max(largest, peak)
        }
        if !offenders.isEmpty { throw ConversionError.valuesOutsideF16Range(tensors: offenders, largest: largest) }
    }

    /// The largest finite magnitude in BF16 data; `nil` for other types.
    static func largestFiniteMagnitude(_ bytes: UnsafeRawBufferPointer, type: GGMLType) -> Float? {
        guard type == .bf16 else { return nil }
        // BF16 is the top half of an F32, so magnitudes compare as bits; NaN and infinity
        // (exponent all ones) count as zero. A branch-free max-reduction over plain integer
        // loads, which the compiler vectorizes.
        guard let base = bytes.baseAddress else { return 0 }
        var peak: UInt16 = 0
        let count = bytes.count / 2
        var i = 0
        while i < count {
            let magnitude = base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self) & 0x7FFF
            peak = max(peak, magnitude < 0x7F80 ? magnitude : 0)
            i &+= 1
        }
        return Float(bitPattern: UInt32(peak) << 16)
    }

    /// BF16 bits of 65536, the smallest BF16 magnitude F16 cannot hold (65280, the one below, fits).
    static let overflowBits: UInt16 = 0x4780
}
