import Conversion
import Foundation
import GGUF
import ImportanceMatrix
import Passes
import Quantization
import Testing
import TestSupport

@Suite("Importance-matrix pass")
struct ImportanceMatrixPassTests {
    /// A tiny model whose rows are whole 32-blocks (and, with `wide`, whole 256-blocks).
    static func model(wide: Bool = false) -> TinyModel {
        var model = TinyModel.llama
        model.hidden = wide ? 256 : 64
        model.intermediate = wide ? 512 : 128
        model.heads = 4
        model.kvHeads = 2
        model.dtypes = .all(.f32)
        return model
    }

    /// An importance matrix with an entry for every matrix in the blocks, as llama-imatrix collects.
    static func matrix(for file: GGUFFile, skipping: Set<String> = []) throws -> ImportanceMatrix {
        var entries: [String: ImportanceMatrix.Entry] = [:]
        for (index, info) in file.tensors.enumerated()
        where info.name.hasPrefix("blk.") && info.dimensions.count == 2 && !skipping.contains(info.name) {
            let columns = info.dimensions[0]
            let sums = (0 ..< columns).map { Float(1 + ($0 * 7 + index * 13) % 31) * 3.5 }
            entries[info.name] = try ImportanceMatrix.Entry(columns: columns, sums: sums, counts: [70])
        }
        return ImportanceMatrix(datasets: ["test.txt"], chunkCount: 4, chunkSize: 16, entries: entries)
    }

    func options(_ input: String, _ output: String, _ type: FileType) -> ConversionOptions {
        var options = ConversionOptions(modelDirectory: input, outputPath: output)
        options.fileType = type
        options.threads = 2
        return options
    }

    @Test("quantized rows use the matrix's per-column means, and the keys are written",
          arguments: [FileType.q4_0, .q5_1, .q4_k_m, .q2_k])
    func weightedRows(type: FileType) throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try Self.model().write(to: folder)
        let f32Path = scratch.file("f32.gguf")
        try Converter.convert(options(folder, f32Path, .f32))
        let f32 = try GGUFFile(path: f32Path)
        let matrix = try Self.matrix(for: f32)
        let imatrixPath = scratch.file("m.imatrix.gguf")
        try matrix.write(to: imatrixPath)

        let outPath = scratch.file("out.gguf")
        try Requantizer.quantize(inputPath: f32Path, options("", outPath, type),
                                 passes: [ImportanceMatrixPass(origin: .file(path: imatrixPath))])
        let out = try GGUFFile(path: outPath)
        var weighted = 0
        for info in out.tensors where info.type.isQuantized {
            let format = try #require(QuantFormats.format(for: info.type))
            let values = try #require(f32.values(of: info.name))
            let importance = matrix.entries[info.name].map { entry in entry.sums.map { $0 / 70 } }
            if importance != nil { weighted += 1 }
            let rowBytes = try #require(info.type.rowByteCount(info.dimensions[0]))
            var expected = [UInt8](repeating: 0, count: rowBytes * info.dimensions[1])
            let columns = info.dimensions[0]
            for row in 0 ..< info.dimensions[1] {
                values[(row * columns) ..< ((row + 1) * columns)].withUnsafeBufferPointer { input in
                    expected.withUnsafeMutableBytes { output in
                        let slice = UnsafeMutableRawBufferPointer(rebasing: output[(row * rowBytes) ..< ((row + 1) * rowBytes)])
                        if let importance {
                            importance.withUnsafeBufferPointer { format.quantizeRow(input, into: slice, importance: $0) }
                        } else {
                            format.quantizeRow(input, into: slice, importance: nil)
                        }
                    }
                }
            }
            #expect(out.bytes(of: info.name) == expected, "\(info.name) (\(info.type.name))")
        }
        #expect(weighted == matrix.entries.count)
        #expect(out.metadata["quantize.imatrix.file"]?.stringValue == imatrixPath)
        #expect(out.metadata["quantize.imatrix.dataset"]?.stringValue == "test.txt")
        #expect(out.metadata["quantize.imatrix.entries_count"]?.intValue == matrix.entries.count)
        #expect(out.metadata["quantize.imatrix.chunks_count"]?.intValue == 4)

        // The same pass on the Hugging Face folder gives the same tensors.
        let convertedPath = scratch.file("converted.gguf")
        try Converter.convert(options(folder, convertedPath, type),
                              passes: [ImportanceMatrixPass(origin: .file(path: imatrixPath))])
        let converted = try GGUFFile(path: convertedPath)
        for info in out.tensors {
            #expect(converted.bytes(of: info.name) == out.bytes(of: info.name), "\(info.name)")
        }
    }

    @Test("an entry of the wrong size is an error naming the tensor, and nothing is written")
    func sizeMismatch() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try Self.model().write(to: folder)
        let f32Path = scratch.file("f32.gguf")
        try Converter.convert(options(folder, f32Path, .f32))
        var matrix = try Self.matrix(for: try GGUFFile(path: f32Path))
        matrix.entries["blk.1.ffn_down.weight"] = try ImportanceMatrix.Entry(columns: 64, sums: .init(repeating: 1, count: 64),
                                                                             counts: [3])
        let imatrixPath = scratch.file("m.imatrix.gguf")
        try matrix.write(to: imatrixPath)
        let outPath = scratch.file("out.gguf")
        #expect(throws: ImportanceMatrixError.sizeMismatch(tensor: "blk.1.ffn_down.weight", importance: 64, expected: 128)) {
            try Requantizer.quantize(inputPath: f32Path, options("", outPath, .q4_0),
                                     passes: [ImportanceMatrixPass(origin: .file(path: imatrixPath))])
        }
        #expect(entries(of: scratch.path).allSatisfy { !$0.hasPrefix("out") && !$0.hasPrefix(".out") })
    }

    @Test("q2_k_s needs a matrix entry for every Q2_K tensor")
    func q2KSRequiresImportance() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try Self.model(wide: true).write(to: folder)
        let f32Path = scratch.file("f32.gguf")
        try Converter.convert(options(folder, f32Path, .f32))
        let outPath = scratch.file("out.gguf")
        #expect(throws: ConversionError.self) {
            try Requantizer.quantize(inputPath: f32Path, options("", outPath, .q2_k_s))
        }
        #expect(!FileManager.default.fileExists(atPath: outPath))

        let f32 = try GGUFFile(path: f32Path)
        let partialPath = scratch.file("partial.imatrix.gguf")
        try Self.matrix(for: f32, skipping: ["blk.1.ffn_gate.weight"]).write(to: partialPath)
        #expect(throws: ConversionError.importanceMissing(tensor: "blk.1.ffn_gate.weight", type: "q2_K")) {
            try Requantizer.quantize(inputPath: f32Path, options("", outPath, .q2_k_s),
                                     passes: [ImportanceMatrixPass(origin: .file(path: partialPath))])
        }
        let fullPath = scratch.file("full.imatrix.gguf")
        try Self.matrix(for: f32).write(to: fullPath)
        try Requantizer.quantize(inputPath: f32Path, options("", outPath, .q2_k_s),
                                 passes: [ImportanceMatrixPass(origin: .file(path: fullPath))])
        #expect(try GGUFFile(path: outPath).tensor(named: "blk.1.ffn_gate.weight")?.type == .q2_K)
    }

    @Test("computing the matrix in one command equals imatrix then quantize --imatrix")
    func calibrationInOneCommand() throws {
        let scratch = try TemporaryDirectory()
        let folder = scratch.file("model")
        try Self.model().write(to: folder)
        let words = ["abc", "bad", "cab", "ace", "dab", "fig", "hij", "klm", "nop", "qrs", "tuv", "wxy"]
        let text = (0 ..< 400).map { words[($0 * 5 + $0 / 7) % words.count] }.joined(separator: " ")
        let textPath = scratch.file("calibration.txt")
        try writeText(text, to: textPath)
        let request = CalibrationRequest(corpusPath: textPath, chunkCount: 6, contextLength: 32)

        var pass = ImportanceMatrixPass(origin: .calibration(request))
        let savedPath = scratch.file("saved.imatrix.gguf")
        pass.savePath = savedPath
        let oneCommand = scratch.file("one.gguf")
        try Converter.convert(options(folder, oneCommand, .q4_0), passes: [pass])

        let saved = try ImportanceMatrix(contentsOf: savedPath)
        #expect(saved.chunkCount == 6 && saved.chunkSize == 32)
        #expect(saved.entries.count == 2 * 7)
        for (name, entry) in saved.entries {
            #expect(entry.counts == [Float(6 * 32)], "\(name)")
            #expect(entry.sums.allSatisfy { $0.isFinite && $0 >= 0 }, "\(name)")
        }
        // Q, K and V read the same input, as do gate and up.
        #expect(saved.entries["blk.0.attn_q.weight"]?.sums == saved.entries["blk.0.attn_v.weight"]?.sums)
        #expect(saved.entries["blk.1.ffn_gate.weight"]?.sums == saved.entries["blk.1.ffn_up.weight"]?.sums)

        let f32Path = scratch.file("f32.gguf")
        try Converter.convert(options(folder, f32Path, .f32))
        let twoCommands = scratch.file("two.gguf")
        try Requantizer.quantize(inputPath: f32Path, options("", twoCommands, .q4_0),
                                 passes: [ImportanceMatrixPass(origin: .file(path: savedPath))])
        let a = try GGUFFile(path: oneCommand), b = try GGUFFile(path: twoCommands)
        for info in a.tensors {
            #expect(a.bytes(of: info.name) == b.bytes(of: info.name), "\(info.name)")
        }
    }
}
