import Conversion
import Foundation
import Inference
import Testing
import TestSupport

/// Checks against the real stories260K checkpoint in `../shared` (skipped when absent).
@Suite("stories260K", .enabled(ifAvailable: TestAssets.stories260K != nil,
                                "needs ../shared/models/stories260K (set GGUFKIT_SHARED to find it elsewhere)"))
struct StoriesReferenceTests {
    static let prompt: [Int32] = [1, 403, 407, 261, 378]  // BOS "Once upon a time"

    /// Produced by the numpy reference with greedy argmax:
    /// `python3 scripts/reference_forward.py ../shared/models/stories260K --tokens 1,403,407,261,378 --generate 40`
    /// ("Once upon a time, there was a little girl named Lily. She loved to play outside in the
    /// park. One day, she saw a big, red ball.")
    static let greedyContinuation: [Int32] = [
        432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292,
        411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426,
    ]

    static var directory: String { TestAssets.stories260K ?? "" }

    static func convertToGGUF(in folder: TemporaryDirectory) throws -> String {
        var options = ConversionOptions(modelDirectory: directory, outputPath: folder.file("stories-f32.gguf"))
        options.fileType = .f32
        _ = try Converter.convert(options)
        return options.outputPath
    }

    static func logits(_ model: LlamaModel, _ tokens: [Int32]) throws -> [[Float]] {
        var rows = [[Float]](repeating: [], count: tokens.count)
        try model.evaluate(sequences: [tokens], outputPositions: 0 ..< tokens.count) { _, position, logits in
            rows[position] = Array(logits)
        }
        return rows
    }

    @Test("logits from the HF folder and its F32 GGUF match the numpy reference within 1e-4",
          .enabled(if: Python.withNumpy != nil, "needs python3 with numpy"))
    func matchesNumpyReference() throws {
        let tokens = Self.prompt + Self.greedyContinuation[0 ..< 20]
        let python = try #require(Python.withNumpy)
        let script = TestAssets.packageRoot.appendingPathComponent("scripts/reference_forward.py").path
        let output = try Python.run(python, file: script, arguments: [Self.directory, "--tokens",
                                                                       tokens.map(String.init).joined(separator: ",")])
        try #require(output.status == 0, "reference_forward.py failed: \(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        let expected = try #require(json["logits"] as? [[Double]]).map { $0.map(Float.init) }
        try #require(expected.count == tokens.count)

        let folder = try TemporaryDirectory()
        let models = [("HF folder", try LlamaModel(huggingFaceDirectory: Self.directory)),
                      ("F32 GGUF", try LlamaModel(ggufPath: Self.convertToGGUF(in: folder)))]
        for (name, model) in models {
            #expect(model.vocabSize == 512)
            let logits = try Self.logits(model, tokens)
            let difference = maxAbsDifference(logits.joined(), expected.joined())
            #expect(difference <= 1e-4, "\(name): max |Δ| = \(difference)")
        }
    }

    @Test("greedy decoding through the KV cache reproduces the reference continuation")
    func greedyGeneration() throws {
        let folder = try TemporaryDirectory()
        for model in [try LlamaModel(huggingFaceDirectory: Self.directory),
                      try LlamaModel(ggufPath: Self.convertToGGUF(in: folder))] {
            let session = model.makeSession(maxTokens: 64)
            var logits = try session.append(tokens: Self.prompt)
            var generated: [Int32] = []
            for _ in Self.greedyContinuation.indices {
                let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
                generated.append(next)
                logits = try session.append(tokens: [next])
            }
            #expect(generated == Self.greedyContinuation)
        }
    }
}
