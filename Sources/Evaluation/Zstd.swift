import CZstd
import Foundation

/// One-shot zstd frames, for the base log-probability cache.
enum Zstd {
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 3) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_compress(out.baseAddress, bound, input.baseAddress, input.count, level)
        }
        if ZSTD_isError(written) != 0 {
            throw EvaluationError.compression(reason: String(cString: ZSTD_getErrorName(written)))
        }
        output.removeSubrange(written...)
        return output
    }

    /// Decompresses a frame that must expand to exactly `expectedSize` bytes (checked
    /// before allocating, since the frame comes from a file).
    static func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int, into output: UnsafeMutableRawBufferPointer) throws {
        let declared = ZSTD_getFrameContentSize(input.baseAddress, input.count)
        guard declared == UInt64(expectedSize), output.count >= expectedSize else {
            throw EvaluationError.compression(reason: "frame declares \(declared) bytes, expected \(expectedSize)")
        }
        let written = ZSTD_decompress(output.baseAddress, expectedSize, input.baseAddress, input.count)
        if ZSTD_isError(written) != 0 {
            throw EvaluationError.compression(reason: String(cString: ZSTD_getErrorName(written)))
        }
        guard written == expectedSize else {
            throw EvaluationError.compression(reason: "frame expanded to \(written) bytes, expected \(expectedSize)")
        }
    }
}
