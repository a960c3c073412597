import Conversion
import Foundation
import GGUF
import Quantization
import Testing
import TestSupport

/// `ggufkit quantize` from the inputs other than F32 (`RequantizeParityTests` covers F32): F16,
/// BF16 and an already quantized Q8_0 file, and the refusal of a calibration pass on a
/// quantized input.
@Suite("ggufkit quantize from F16, BF16 and quantized inputs", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct QuantizeCommandTests {
    /// 256-wide rows, so the K-quants are written as themselves rather than falling back.
    static var model: TinyModel {
        var model = TinyModel.llama
        model.hidden = 256
        model.intermediate = 256
        model.kvHeads = 1
        model.dtypes = .all(.bf16)
        return model
    }

    static func run(_ arguments: [String]) throws {
        let result = try CLI.run(arguments + ["-q"])
        try #require(result.status == 0, "\(arguments.prefix(2)): \(result.stderr)")
    }

    /// Every tensor's values as F32.
    static func values(_ file: GGUFFile, _ info: GGUFTensorInfo) throws -> [Float] {
        let format = try #require(QuantFormats.format(for: info.type), "\(info.type.name)")
        var out = [Float](repeating: .nan, count: info.dimensions.reduce(1, *))
        let raw = file.data(for: info)
        #expect(raw.count == info.byteCount, "\(info.name)")
        let rowBytes = info.rowByteCount, rowLength = info.rowLength
        out.withUnsafeMutableBufferPointer { values in
            for row in 0 ..< info.rowCount {
                format.dequantizeRow(UnsafeRawBufferPointer(rebasing: raw[(row * rowBytes) ..< ((row + 1) * rowBytes)]),
                                     into: UnsafeMutableBufferPointer(rebasing: values[(row * rowLength) ..< ((row + 1) * rowLength)]))
            }
        }
        return out
    }

    @Test("quantize writes a readable file of the asked type with the tensor types convert chooses",
          arguments: ["f16", "bf16", "q8_0"], ["q4_0", "q4_k_m", "q6_k"])
    func fromInput(input: String, target: String) throws {
        let scratch = try TemporaryDirectory()
        try Self.model.write(to: scratch.file("m"))
        try Self.run(["convert", scratch.file("m"), "-o", scratch.file("in.gguf"), "--type", input])
        try Self.run(["convert", scratch.file("m"), "-o", scratch.file("direct.gguf"), "--type", target])
        try Self.run(["quantize", scratch.file("in.gguf"), scratch.file("out.gguf"), target])

        let source = try GGUFFile(path: scratch.file("in.gguf"))
        let direct = try GGUFFile(path: scratch.file("direct.gguf")), output = try GGUFFile(path: scratch.file("out.gguf"))
        let fileType = try #require(FileType(name: target))
        #expect(output.metadata[GGUFKey.fileType] == fileType.llamaFileType.metadataValue)
        #expect(output.metadata[GGUFKey.quantizationVersion] == .uint32(2))
        #expect(output.tensors.map(\.name) == direct.tensors.map(\.name))
        // The input's own type must not leak through: at least the attention matrices change type.
        #expect(output.tensor(named: "blk.0.attn_q.weight")?.type != source.tensor(named: "blk.0.attn_q.weight")?.type
            || target == "q8_0")
        for info in output.tensors {
            let reference = try #require(direct.tensor(named: info.name))
            #expect(info.type == reference.type && info.dimensions == reference.dimensions,
                    "\(info.name): \(info.type.name) \(info.dimensions), convert writes \(reference.type.name) \(reference.dimensions)")
            // Readable: the bytes decode to values close to the direct conversion's.
            let ours = try Self.values(output, info), theirs = try Self.values(direct, reference)
            let squaredError = zip(ours, theirs).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            let power = theirs.reduce(0.0) { $0 + Double($1 * $1) }
            #expect(ours.allSatisfy { $0.isFinite }, "\(info.name)")
            let bound = 0.05 * Swift.max(power, 1e-12)
            #expect(squaredError <= bound, "\(info.name): relative squared error \(squaredError / power)")
        }
        // The tiny model's matrices: Q4_K_M writes K-quants, which a plain copy of Q8_0 would not.
        if target == "q4_k_m" { #expect(output.tensors.contains { $0.type == .q4_K }) }
    }

    @Test("--calibration on a quantized input is refused with one error line and no output; an F16 input is accepted")
    func calibrationNeedsFloats() throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.hidden = 64
        model.intermediate = 128
        // No F32 probe values: 70000 would become infinite in F16, which calibration refuses.
        model.dtypes = .all(.bf16)
        try model.write(to: scratch.file("m"))
        let words = ["abc", "bad", "cab", "ace", "dab", "fig", "hij", "klm", "nop", "qrs", "tuv", "wxy"]
        try writeText((0 ..< 200).map { words[($0 * 7 + $0 / 5) % words.count] }.joined(separator: " "), to: scratch.file("t.txt"))
        try Self.run(["convert", scratch.file("m"), "-o", scratch.file("q8.gguf"), "--type", "q8_0"])
        try Self.run(["convert", scratch.file("m"), "-o", scratch.file("f16.gguf"), "--type", "f16"])
        let calibration = ["q4_0", "--calibration", scratch.file("t.txt"), "-c", "32", "--chunks", "2", "-t", "2"]

        let refused = try CLI.run(["quantize", scratch.file("q8.gguf"), scratch.file("out.gguf")] + calibration)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
        #expect(refused.stderr.hasPrefix("ggufkit: error: \(scratch.file("q8.gguf"))"), "\(refused.stderr)")
        #expect(refused.stderr.contains("needs F32, F16 or BF16 weights, but the model is quantized"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(!fileExists(scratch.file("out.gguf")))
        #expect(entries(of: scratch.path).allSatisfy { !$0.hasSuffix(".partial") })

        let accepted = try CLI.run(["quantize", scratch.file("f16.gguf"), scratch.file("out.gguf")] + calibration + ["-q"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(try GGUFFile(path: scratch.file("out.gguf")).metadata["quantize.imatrix.entries_count"] != nil)
    }
}
