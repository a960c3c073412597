import Conversion
import Foundation
import GGUF
import SafeTensors
import Testing
import TestSupport

@Suite("determinism")
struct DeterminismTests {
    @Test("the same bytes with 1, 3 and 0 (clamped to 1) threads, and on a second run",
          arguments: [FileType.f16, .bf16, .auto, .f32])
    func threadCounts(fileType: FileType) throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.layers = 3
        try model.write(to: scratch.file("m"))
        var outputs: [[UInt8]] = []
        for (index, threads) in [1, 3, 0, 3].enumerated() {
            let output = scratch.file("out-\(index).gguf")
            try convert(scratch.file("m"), to: output, type: fileType, threads: threads)
            outputs.append(try readBytes(output))
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
    }

    @Test("TensorEncoder gives the converter's bytes for any window size and thread count",
          arguments: [1, 7, 48, 1 << 22], [1, 3])
    func windows(windowElements: Int, threads: Int) throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        try convert(scratch.file("m"), to: scratch.file("m.gguf"), type: .f16, threads: 2)
        let file = try GGUFFile(path: scratch.file("m.gguf"))

        let folder = try HFModelFolder(directory: scratch.file("m"))
        let plan = try ConversionPlanner.plan(folder: folder, log: { _ in })
        let encoder = TensorEncoder(threads: threads, windowElements: windowElements)
        #expect(plan.map(\.ggufName) == file.tensors.map(\.name))
        for var tensor in plan {
            let info = try #require(file.tensor(named: tensor.ggufName))
            tensor.targetType = info.type
            guard case let .checkpoint(source, _) = tensor.source, let sourceType = tensor.sourceType else {
                Issue.record("\(tensor.ggufName) has no checkpoint source")
                continue
            }
            var bytes: [UInt8] = []
            var chunks = 0
            try folder.checkpoint.withData(named: source.name) { data in
                try encoder.encode(tensor, sourceBytes: data, sourceType: sourceType) { chunk in
                    bytes += chunk
                    chunks += 1
                }
            }
            #expect(bytes == file.bytes(of: tensor.ggufName), "\(tensor.ggufName)")
            if windowElements < tensor.rowLength, tensor.rowCount > 1 {
                #expect(chunks > 1, "\(tensor.ggufName) must be written in several windows")
            }
        }
    }
}
