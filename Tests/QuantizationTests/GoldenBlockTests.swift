import GGUF
import Quantization
import Testing

/// Byte-for-byte agreement with ggml's C quantizers and value-for-value agreement with
/// gguf-py's dequantizers, for every block format and every golden input case.
@Suite("Golden blocks")
struct GoldenBlockTests {
    /// Every registered block format: a new format is checked as soon as it is registered.
    static let blockTypes: [GGMLType] = QuantFormats.all.map(\.type).filter(\.isQuantized)
    static let golden = GoldenData.shared

    @Test("golden files load and list every block format")
    func goldenFilesLoad() throws {
        #expect(Self.golden.loadError == nil, "\(Self.golden.loadError ?? "")")
        #expect(Set(Self.golden.formatNames) == Set(Self.blockTypes.map(\.name)))
        #expect(Self.golden.cases.count >= 8)
    }

    @Test("quantize without importance matches ggml byte for byte", arguments: blockTypes)
    func quantizeMatchesGGML(type: GGMLType) throws {
        try checkQuantize(type: type, weighted: false)
    }

    @Test("quantize with importance matches ggml's weighted quantizer byte for byte", arguments: blockTypes)
    func quantizeWithImportanceMatchesGGML(type: GGMLType) throws {
        try checkQuantize(type: type, weighted: true)
    }

    @Test("dequantize matches gguf-py exactly", arguments: blockTypes)
    func dequantizeMatchesGGUFPy(type: GGMLType) throws {
        let golden = Self.golden
        let encoded = try golden.bytes("\(type.name).bin")
        let expected = try golden.values(Float.self, "\(type.name)-dequant.f32")
        let quantizer = try RowQuantizer(type: type, threadCount: 1)
        for c in golden.cases where !(golden.abortingCases[type.name]?.contains(c.name) ?? false) {
            let start = golden.byteOffset(of: c, type: type)
            let length = c.rows * type.rowByteCount(c.rowLength)!
            let decoded = try quantizer.dequantize(Array(encoded[start..<start + length]), rowLength: c.rowLength)
            let reference = Array(expected[c.inputOffset..<c.inputOffset + c.elementCount])
            let mismatch = firstMismatch(decoded, reference, sameFloat)
            #expect(mismatch == nil, "\(type.name)/\(c.name): element \(mismatch ?? -1) \(mismatch.map { "\(decoded[$0]) vs \(reference[$0])" } ?? "")")
        }
    }

    private func checkQuantize(type: GGMLType, weighted: Bool) throws {
        let golden = Self.golden
        let file = "\(type.name)\(weighted ? "-imatrix" : "")"
        let expected = try golden.bytes("\(file).bin")
        guard let format = QuantFormats.format(for: type) else {
            Issue.record("no format registered for \(type.name)")
            return
        }
        for c in golden.cases {
            let input = golden.input(c)
            let importance = golden.importance(c)
            let rowBytes = type.rowByteCount(c.rowLength)!
            var actual = [UInt8](repeating: 0xAA, count: c.rows * rowBytes)
            // Straight through the row API: the tensor-level API rejects some of these
            // inputs (none here), and this is what ggml's per-row loop does.
            input.withUnsafeBufferPointer { source in
                importance.withUnsafeBufferPointer { weights in
                    actual.withUnsafeMutableBytes { destination in
                        for row in 0..<c.rows {
                            format.quantizeRow(
                                UnsafeBufferPointer(rebasing: source[row * c.rowLength..<(row + 1) * c.rowLength]),
                                into: UnsafeMutableRawBufferPointer(rebasing: destination[row * rowBytes..<(row + 1) * rowBytes]),
                                importance: weighted ? weights : nil)
                        }
                    }
                }
            }
            // ggml aborts on these (a failed assertion): ours must only finish, there are no bytes to match.
            if golden.abortingCases[file]?.contains(c.name) ?? false { continue }
            let start = golden.byteOffset(of: c, type: type)
            let reference = Array(expected[start..<start + actual.count])
            let mismatch = firstMismatch(actual, reference, ==)
            #expect(mismatch == nil,
                    "\(type.name)\(weighted ? " (importance)" : "")/\(c.name): first differing byte \(mismatch ?? -1) (block \(mismatch.map { $0 / type.bytesPerBlock } ?? -1), byte \(mismatch.map { $0 % type.bytesPerBlock } ?? -1))")
        }
    }
}

/// The first index where `a` and `b` differ (including a length difference), or `nil`.
func firstMismatch<T>(_ a: [T], _ b: [T], _ equal: (T, T) -> Bool) -> Int? {
    for i in 0..<min(a.count, b.count) where !equal(a[i], b[i]) { return i }
    return a.count == b.count ? nil : min(a.count, b.count)
}

/// Equal bit patterns, or both NaN (NaN payloads from arithmetic differ across CPUs).
func sameFloat(_ a: Float, _ b: Float) -> Bool {
    a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
}
