import CQuantKernels

/// Bulk scans of BF16 data.
public enum BFloat16Scan {
    private static let level = ggufkit_quant_simd_level(1)

    /// The largest finite magnitude among the BF16 values in `bytes` (NaN and infinity left
    /// out; 0 when there are none).
    public static func largestFiniteMagnitude(_ bytes: UnsafeRawBufferPointer) -> Float {
        guard let base = bytes.baseAddress, bytes.count >= 2 else { return 0 }
        let peak = base.withMemoryRebound(to: UInt16.self, capacity: bytes.count / 2) {
            ggufkit_bf16_largest_finite_magnitude($0, bytes.count / 2, level)
        }
        return Float(bitPattern: UInt32(peak) << 16)
    }
}
