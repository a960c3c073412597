import Foundation
import GGUF

/// What the policy needs to know about a tensor to choose its type.
public struct TensorRoleInfo: Sendable {
    public var name: String
    /// GGUF order: the row length first.
    public var dimensions: [Int]

    public init(name: String, dimensions: [Int]) {
        self.name = name
        self.dimensions = dimensions
    }
}

/// The model facts llama.cpp's mixes depend on.
public struct ModelShapeInfo: Sendable {
    public var layerCount: Int
    /// Query heads per key/value head (1 for multi-head attention).
    public var gqaRatio: Int
    /// Whether the file has no separate `output.weight` (the head reuses `token_embd`).
    public var tiedEmbeddings: Bool
    /// llama.cpp treats an 80-layer Llama as its 70B size class, which gives attn_v more bits.
    public var is70BClass: Bool
    public var hasImportanceMatrix: Bool

    public init(layerCount: Int, gqaRatio: Int, tiedEmbeddings: Bool, is70BClass: Bool = false,
                hasImportanceMatrix: Bool = false) {
        self.layerCount = layerCount
        self.gqaRatio = gqaRatio
        self.tiedEmbeddings = tiedEmbeddings
        self.is70BClass = is70BClass
        self.hasImportanceMatrix = hasImportanceMatrix
    }
}

/// A `--keep <regex>=<type>` override.
public struct TensorTypeOverride: Sendable {
    public var pattern: String
    public var type: GGMLType

    /// Parses `regex=type` (type as ggml names it: `q8_0`, `q4_K`, `f16`, case-insensitive).
    public init(parsing text: String) throws {
        guard let eq = text.lastIndex(of: "=") else {
            throw ConversionError.invalidOption("--keep expects <regex>=<type>, got '\(text)'")
        }
        pattern = String(text[..<eq])
        let typeName = text[text.index(after: eq)...].lowercased()
        guard let type = GGMLType.allCases.first(where: { $0.name.lowercased() == typeName }) else {
            throw ConversionError.invalidOption("--keep: unknown tensor type '\(typeName)'")
        }
        guard (try? NSRegularExpression(pattern: pattern)) != nil else {
            throw ConversionError.invalidOption("--keep: invalid regular expression '\(pattern)'")
        }
        self.type = type
    }

    func matches(_ name: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }
}

/// Chooses each tensor's type for a file type, following llama.cpp's quantization mixes
/// (`llama_tensor_get_type`) so that files match llama-quantize's tensor for tensor.
public struct TensorTypePolicy: Sendable {
    public var fileType: FileType
    public var model: ModelShapeInfo
    /// One type for every quantizable tensor, skipping the per-role mix (`--pure`).
    public var pure = false
    public var overrides: [TensorTypeOverride] = []

    public init(fileType: FileType, model: ModelShapeInfo) {
        self.fileType = fileType
        self.model = model
    }

    /// The decision for one tensor and, when the row length forced a compatible type, why.
    public struct Decision: Sendable, Equatable {
        public var type: GGMLType
        public var fallbackFrom: GGMLType?

        public init(type: GGMLType, fallbackFrom: GGMLType? = nil) {
            self.type = type
            self.fallbackFrom = fallbackFrom
        }
    }

    /// Only 2-D weight matrices are quantized; norms, biases and 1-D factors keep F32
    /// because ggml's ops on them expect F32.
    public static func allowsQuantization(_ tensor: TensorRoleInfo) -> Bool {
        tensor.dimensions.count >= 2 && tensor.name.hasSuffix("weight") && !tensor.name.contains("_norm.weight")
    }

    /// The type for `tensor`. `sourceType` is what `auto` keeps.
    public func decide(_ tensor: TensorRoleInfo, sourceType: GGMLType? = nil) -> Decision {
        // Vectors (norms, biases, RoPE factors) are F32 in every file type: ggml's ops on them expect it.
        if tensor.dimensions.count < 2 { return Decision(type: .f32) }
        if fileType == .auto {
            let keep: Set<GGMLType> = [.f32, .f16, .bf16]
            return Decision(type: sourceType.flatMap { keep.contains($0) ? $0 : nil } ?? .f16)
        }
        // Matrices llama.cpp never quantizes keep their type (or the float type asked for).
        if fileType.isQuantized, !Self.allowsQuantization(tensor) {
            return Decision(type: sourceType ?? .f16)
        }
        let base = fileType.baseType
        guard base.isQuantized else { return Decision(type: base) }
        var chosen = base
        if let manual = overrides.first(where: { $0.matches(tensor.name) }) {
            chosen = manual.type
        } else if !pure {
            chosen = mixType(tensor, base: base)
        }
        return Self.compatible(chosen, rowLength: tensor.dimensions.first ?? 0)
    }

    /// Row lengths must be whole blocks. A 256-wide K-quant falls back to the 32-wide legacy
    /// format of similar size (as llama.cpp does); if even 32 does not divide the row, F16.
    public static func compatible(_ type: GGMLType, rowLength: Int) -> Decision {
        guard rowLength % type.blockSize != 0 else { return Decision(type: type) }
        var fallback: GGMLType
        switch type {
        case .q2_K, .q3_K: fallback = .q4_0
        case .q4_K: fallback = .q5_0
        case .q5_K: fallback = .q5_1
        case .q6_K: fallback = .q8_0
        default: fallback = type
        }
        if rowLength % fallback.blockSize != 0 { fallback = .f16 }
        return Decision(type: fallback, fallbackFrom: type)
    }

    /// llama.cpp's per-role mix for the file types ggufkit writes.
    ///
    /// The rules trade a few percent of file size for the tensors that hurt most when
    /// quantized coarsely: the output head, attn_v (small in GQA models, large effect) and
    /// ffn_down in the first, last and every third layer.
    func mixType(_ tensor: TensorRoleInfo, base: GGMLType) -> GGMLType {
        let name = tensor.name
        let layer = Self.layerIndex(name)
        let layers = max(model.layerCount, 1)
        let ft = fileType

        // The output head (or the embedding table when it doubles as the head) gets Q6_K:
        // its errors hit every logit. Rows the base type cannot split get Q8_0.
        let isOutput = name == "output.weight"
        let isEmbedding = name == "token_embd.weight"
        if isOutput || (isEmbedding && model.tiedEmbeddings) {
            let rowLength = tensor.dimensions.first ?? 0
            if rowLength % base.blockSize != 0 { return .q8_0 }
            return base == .q8_0 ? .q8_0 : .q6_K
        }
        if isEmbedding { return base }

        if name.contains("attn_v.weight") {
            var type = base
            let i = layer ?? 0
            switch ft {
            // GQA shares each V head across several Q heads, so V errors count several times.
            case .q2_k: type = model.gqaRatio >= 4 ? .q4_K : .q3_K
            case .q3_k_m: type = i < 2 ? .q5_K : .q4_K
            case .q3_k_l: type = .q5_K
            case .q4_k_m, .q5_k_m: if Self.useMoreBits(i, layers) { type = .q6_K }
            case .q4_k_s: if i < 4 { type = .q5_K }
            default: break
            }
            if model.is70BClass, type == .q3_K || type == .q4_K { type = .q5_K }
            return type
        }
        if name.contains("ffn_down") {
            let i = layer ?? 0
            switch ft {
            case .q2_k: return .q3_K
            case .q3_k_m: return i < layers / 16 ? .q5_K : .q4_K
            case .q3_k_l: return .q5_K
            case .q4_k_m, .q5_k_m: return Self.useMoreBits(i, layers) ? .q6_K : base
            case .q4_k_s: return i < layers / 8 ? .q5_K : base
            // With an importance matrix llama.cpp shields the first layers' ffn_down.
            case .q4_0 where model.hasImportanceMatrix && i < layers / 8: return .q4_1
            case .q5_0 where model.hasImportanceMatrix && i < layers / 8: return .q5_1
            default: return base
            }
        }
        if name.contains("attn_output.weight") {
            switch ft {
            case .q2_k: return .q3_K
            case .q3_k_m: return .q4_K
            case .q3_k_l: return .q5_K
            default: return base
            }
        }
        return base
    }

    /// The first and last eighth of the layers, and every third one between, matter most.
    static func useMoreBits(_ layer: Int, _ layers: Int) -> Bool {
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2
    }

    /// `N` in `blk.N.`, if the name has one.
    static func layerIndex(_ name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        let rest = name.dropFirst(4)
        guard let dot = rest.firstIndex(of: ".") else { return nil }
        return Int(rest[rest.startIndex ..< dot])
    }
}
