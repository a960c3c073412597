import Conversion
import Foundation
import GGUF
import Testing

/// What llama-quantize chose for every tensor of small synthetic models, per file type and
/// option set (`Golden/llama-quantize-types.json`, written by `scripts/make-policy-goldens.sh`).
struct PolicyGolden: Decodable, Sendable {
    struct Model: Decodable, Sendable {
        var name: String
        var architecture: String
        var layers: Int
        var heads: Int
        var kvHeads: Int
        /// `"name shape type-code"`, shape in GGUF order joined by `x`.
        var globals: [String]
        /// The same for one block, names without the `blk.N.` prefix.
        var block: [String]
    }

    struct Options: Decodable, Sendable {
        var pure: Bool?
        var leaveOutputTensor: Bool?
        var outputTensorType: String?
        var tokenEmbeddingType: String?
        var keep: [String]?
        var includeWeights: [String]?
        var excludeWeights: [String]?
    }

    struct Refusal: Decodable, Sendable {
        var tensor: String
        var type: String?
        /// `noImportanceMatrix` (refused before writing) or `missingEntry` (the matrix lacks the tensor).
        var reason: String
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var model: String
        var fileType: String
        var options: Options
        var imatrix: Bool
        /// Importance-matrix entries left after `--include-weights` / `--exclude-weights`.
        var imatrixEntries: Int
        /// One type code per tensor, in ``Model``'s order; absent when llama-quantize refused.
        var types: String?
        var refused: Refusal?

        var testDescription: String {
            var flags: [String] = []
            if options.pure == true { flags.append("--pure") }
            if options.leaveOutputTensor == true { flags.append("--leave-output-tensor") }
            if let t = options.outputTensorType { flags.append("--output-tensor-type \(t)") }
            if let t = options.tokenEmbeddingType { flags.append("--token-embedding-type \(t)") }
            for k in options.keep ?? [] { flags.append("--keep \(k)") }
            for w in options.includeWeights ?? [] { flags.append("--include-weights \(w)") }
            for w in options.excludeWeights ?? [] { flags.append("--exclude-weights \(w)") }
            if imatrix { flags.append("--imatrix") }
            return ([model, fileType] + flags).joined(separator: " ")
        }
    }

    struct Tensor: Sendable {
        var name: String
        var dimensions: [Int]
        var sourceType: GGMLType
    }

    var codes: [String: String]
    var models: [Model]
    var cases: [Case]

    static func load() throws -> PolicyGolden {
        guard let url = Bundle.module.url(forResource: "Golden/llama-quantize-types", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(PolicyGolden.self, from: Data(contentsOf: url))
    }

    /// The golden, or `nil` when it cannot be read (``TensorTypePolicyGoldenTests/goldenLoads()`` fails then).
    static let loaded: PolicyGolden? = try? load()
    static var loadedCases: [Case] { loaded?.cases ?? [] }

    func type(code: Character) -> GGMLType? {
        codes[String(code)].flatMap { name in GGMLType.allCases.first { $0.name == name } }
    }

    /// The model's tensors in llama-quantize's order: the globals, then every block.
    func tensors(of model: Model) throws -> [Tensor] {
        func parse(_ entry: String, prefix: String) throws -> Tensor {
            let parts = entry.split(separator: " ")
            let dims = try #require(parts.count == 3 ? parts[1].split(separator: "x").compactMap { Int($0) } : nil)
            let source = try #require(parts.last?.first.flatMap { type(code: $0) }, "bad entry '\(entry)'")
            return Tensor(name: prefix + parts[0], dimensions: dims, sourceType: source)
        }
        var out = try model.globals.map { try parse($0, prefix: "") }
        for layer in 0 ..< model.layers {
            out += try model.block.map { try parse($0, prefix: "blk.\(layer).") }
        }
        return out
    }
}

/// Replays every recorded llama-quantize run through ``TensorTypePolicy``, with the model facts
/// from ``ModelShapeInfo/init(architecture:layerCount:headCount:headCountKV:expertCount:tiedEmbeddings:hasImportanceMatrix:)``.
@Suite("Type policy against llama-quantize's recorded choices")
struct TensorTypePolicyGoldenTests {
    @Test("the golden loads and covers every file type, the 70B classes and the options")
    func goldenLoads() throws {
        let golden = try PolicyGolden.load()
        let fileTypes = Set(golden.cases.map(\.fileType))
        for type in FileType.allCases where type != .auto {
            #expect(fileTypes.contains(type.rawValue), "no case for \(type.rawValue)")
        }
        let classes = try golden.models.map { model in
            ModelShapeInfo(architecture: model.architecture, layerCount: model.layers, headCount: model.heads,
                           headCountKV: model.kvHeads, tiedEmbeddings: try golden.tensors(of: model).allSatisfy { $0.name != "output.weight" })
        }
        #expect(classes.contains { $0.is70BClass } && classes.contains { !$0.is70BClass && $0.layerCount == 80 })
        #expect(classes.contains { $0.tiedEmbeddings })
        #expect(golden.cases.contains { $0.refused != nil } && golden.cases.contains { $0.fileType == "q2_k_s" && $0.types != nil })
    }

    @Test("each tensor gets llama-quantize's type", arguments: PolicyGolden.loadedCases)
    func replay(_ golden: PolicyGolden.Case) throws {
        let file = try #require(PolicyGolden.loaded)
        let model = try #require(file.models.first { $0.name == golden.model })
        let tensors = try file.tensors(of: model)
        let options = golden.options

        // llama-imatrix records the matrices activations are multiplied by: every 2-D weight but
        // the embedding table (a row lookup) and, by default, the output head.
        let selection = try ImportanceSelection(include: options.includeWeights ?? [], exclude: options.excludeWeights ?? [])
        let entries = Set(golden.imatrix ? tensors.filter {
            $0.dimensions.count >= 2 && !["token_embd.weight", "output.weight"].contains($0.name) && selection.uses($0.name)
        }.map(\.name) : [])
        #expect(entries.count == golden.imatrixEntries)

        let shape = ModelShapeInfo(architecture: model.architecture, layerCount: model.layers, headCount: model.heads,
                                   headCountKV: model.kvHeads,
                                   tiedEmbeddings: !tensors.contains { $0.name == "output.weight" },
                                   hasImportanceMatrix: !entries.isEmpty)
        var policy = TensorTypePolicy(fileType: try #require(FileType(name: golden.fileType)), model: shape)
        policy.pure = options.pure ?? false
        policy.leaveOutputTensor = options.leaveOutputTensor ?? false
        policy.overrides = try (options.keep ?? []).map { try TensorTypeOverride(parsing: $0) }
        policy.outputTensorType = try options.outputTensorType.map { try TensorTypeOverride.writableType(named: $0, option: "") }
        policy.tokenEmbeddingType = try options.tokenEmbeddingType.map { try TensorTypeOverride.writableType(named: $0, option: "") }

        let infos = tensors.map { TensorRoleInfo(name: $0.name, dimensions: $0.dimensions) }
        let chosen = zip(infos, tensors).map { policy.decide($0, sourceType: $1.sourceType).type }
        let needing = zip(infos, chosen).filter { policy.requiresImportanceMatrix($0, type: $1) }

        if let refused = golden.refused {
            switch refused.reason {
            case "noImportanceMatrix":
                let first = try #require(needing.first, "llama-quantize refused, the policy needs no importance matrix")
                #expect(first.0.name == refused.tensor && first.1.name == refused.type)
                #expect(throws: ConversionError.importanceMatrixRequired(tensor: refused.tensor, type: first.1.name)) {
                    try policy.checkImportanceMatrix(first.0, type: first.1)
                }
            default:
                #expect(needing.first { !entries.contains($0.0.name) }?.0.name == refused.tensor)
            }
            return
        }
        for (tensor, type) in needing {
            #expect(entries.contains(tensor.name), "\(tensor.name) needs an importance-matrix entry")
            try policy.checkImportanceMatrix(tensor, type: type)
        }
        let codes = Array(try #require(golden.types))
        try #require(codes.count == tensors.count, "golden has \(codes.count) types for \(tensors.count) tensors")
        let expected = try codes.map { try #require(file.type(code: $0)) }
        let differences = zip(tensors.indices, zip(expected, chosen)).filter { $1.0 != $1.1 }
            .map { "\(tensors[$0].name): llama-quantize \($1.0.name), policy \($1.1.name)" }
        #expect(differences.isEmpty, "\(differences.count) tensors differ: \(differences.prefix(8).joined(separator: "; "))")
    }
}
