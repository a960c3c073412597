import GGUF
import Quantization

/// Refuses, before the output appears, to store BF16 values too large for F16: F16 holds at
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
                      release: (PlannedTensor) -> Void) throws {
        var offenders: [String] = []
        var largest: Float = 0
        for tensor in plan where isChecked(tensor) {
            let (source, type) = try bytes(tensor)
            defer { release(tensor) }
            guard let peak = largestFiniteMagnitude(source, type: type), peak >= overflowMagnitude else { continue }
            offenders.append(tensor.ggufName)
            largest = max(largest, peak)
        }
        if !offenders.isEmpty { throw ConversionError.valuesOutsideF16Range(tensors: offenders, largest: largest) }
    }

    /// The check as the writer applies it, one tensor at a time just before encoding it, so the
    /// checkpoint is read once rather than once for the check and again for the output. The
    /// output only appears once complete, so nothing is left behind when this throws; the
    /// error is the one ``check(_:bytes:release:)`` gives, naming every offending tensor.
    static func checkBeforeEncoding(_ tensor: PlannedTensor, source: UnsafeRawBufferPointer, type: GGMLType,
                                    plan: [PlannedTensor],
                                    bytes: (PlannedTensor) throws -> (UnsafeRawBufferPointer, GGMLType),
                                    release: (PlannedTensor) -> Void) throws {
        guard isChecked(tensor), let peak = largestFiniteMagnitude(source, type: type),
              peak >= overflowMagnitude else { return }
        try check(plan, bytes: bytes, release: release)
        throw ConversionError.valuesOutsideF16Range(tensors: [tensor.ggufName], largest: peak)
    }

    static func isChecked(_ tensor: PlannedTensor) -> Bool {
        tensor.targetType == .f16 && tensor.sourceType == .bf16
    }

    /// The largest finite magnitude in BF16 data; `nil` for other types.
    static func largestFiniteMagnitude(_ bytes: UnsafeRawBufferPointer, type: GGMLType) -> Float? {
        guard type == .bf16 else { return nil }
        return BFloat16Scan.largestFiniteMagnitude(bytes)
    }

    /// BF16 bits of 65536, the smallest BF16 magnitude F16 cannot hold (65280, the one below, fits).
    static let overflowBits: UInt16 = 0x4780
}
