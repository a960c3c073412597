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

/// Chooses each tensor's type for a file type, following llama.cpp's quantization mixes
/// (`llama_tensor_get_type` in llama-quant.cpp) so that files match llama-quantize's tensor for tensor.
public struct TensorTypePolicy: Sendable {
    public var fileType: FileType
    public var model: ModelShapeInfo
    /// One type for every quantizable tensor, skipping the per-role mix (`--pure`).
    public var pure = false
    /// `--keep` overrides, first match wins; they apply to quantized file types only, as
    /// llama-quantize's `--tensor-type` does.
    public var overrides: [TensorTypeOverride] = []
    /// `--output-tensor-type`: the type of `output.weight`, ahead of every other rule. With tied
    /// embeddings it is also what the mix gives `token_embd` (which doubles as the head).
    public var outputTensorType: GGMLType?
    /// `--token-embedding-type`: the type of `token_embd.weight`, ahead of every other rule,
    /// tied or not.
    public var tokenEmbeddingType: GGMLType?
    /// `--leave-output-tensor`: `output.weight` keeps its source type. A tied `token_embd` is not
    /// an `output.weight`, so llama-quantize still quantizes it as the head, and so does this.
    public var leaveOutputTensor = false

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

    /// Name fragments of 2-D weights llama-quantize never quantizes in the architectures it
    /// shares names with: MoE routers, convolution kernels, small per-channel tables.
    static let neverQuantizedFragments = [
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "attn_rel_b.weight", ".position_embd", ".rel_pos",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
        "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
        "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight",
    ]

    /// Only 2-D (and larger) weight matrices are quantized; norms, biases and 1-D factors keep
    /// their type because ggml's ops on them expect F32.
    public static func allowsQuantization(_ tensor: TensorRoleInfo) -> Bool {
        tensor.dimensions.count >= 2 && tensor.name.hasSuffix("weight")
            && !neverQuantizedFragments.contains { tensor.name.contains($0) }
            && tensor.name != "position_embd.weight" && tensor.name != "token_types.weight"
    }

    /// ``allowsQuantization(_:)`` with this policy's options: `--leave-output-tensor` takes
    /// `output.weight` out.
    public func allowsQuantization(_ tensor: TensorRoleInfo) -> Bool {
        Self.allowsQuantization(tensor) && !(leaveOutputTensor && tensor.name == "output.weight")
    }

    /// The type for `tensor`. `sourceType` is what `auto`, `--leave-output-tensor` and
    /// never-quantized matrices keep.
    public func decide(_ tensor: TensorRoleInfo, sourceType: GGMLType? = nil) -> Decision {
        // Vectors (norms, biases, RoPE factors) are F32 in every file type: ggml's ops on them expect it.
        if tensor.dimensions.count < 2 { return Decision(type: .f32) }
        if fileType == .auto {
            let keep: Set<GGMLType> = [.f32, .f16, .bf16]
            return Decision(type: sourceType.flatMap { keep.contains($0) ? $0 : nil } ?? .f16)
        }
        let base = fileType.baseType
        let category = TensorCategory(name: tensor.name)
        let rowLength = tensor.dimensions.first ?? 0
        let unchanged = Decision(type: sourceType ?? (base.isQuantized ? .f16 : base))
        if leaveOutputTensor, category == .output { return unchanged }
        // Matrices llama.cpp never quantizes keep their type (or the float type asked for).
        if base.isQuantized, !Self.allowsQuantization(tensor) { return unchanged }

        // The explicit types win over the file type, float file types included. llama-quantize
        // applies no fallback to them and fails on rows they cannot split; falling back keeps the
        // file writable and the log says so.
        if category == .tokenEmbedding, let type = tokenEmbeddingType {
            return Self.compatible(type, rowLength: rowLength)
        }
        if category == .output, let type = outputTensorType {
            return Self.compatible(type, rowLength: rowLength)
        }
        guard base.isQuantized else { return Decision(type: base) }
        var chosen = base
        if let manual = overrides.first(where: { $0.matches(tensor.name) }) {
            chosen = manual.type
        } else if !pure {
            chosen = mixType(tensor, category: category, base: base)
        }
        return Self.compatible(chosen, rowLength: rowLength)
    }

    /// Whether llama-quantize would refuse to write `tensor` as `type` without an importance
    /// matrix (`tensor_requires_imatrix`): IQ1/IQ2 and IQ3_XXS tensors, and the Q2_K tensors of a
    /// Q2_K_S file, except the embedding table and the output head. A Q2_K_S file whose Q2_K tensors all fell back to
    /// other types needs none.
    public func requiresImportanceMatrix(_ tensor: TensorRoleInfo, type: GGMLType) -> Bool {
        let category = TensorCategory(name: tensor.name)
        guard category != .tokenEmbedding, category != .output, allowsQuantization(tensor) else { return false }
        if [.iq2_xxs, .iq2_xs, .iq2_s, .iq3_xxs, .iq1_s, .iq1_m].contains(type) { return true }
        return fileType == .q2_k_s && type == .q2_K
    }

    /// Throws llama-quantize's refusal when `tensor`, decided as `type`, needs an importance
    /// matrix and ``ModelShapeInfo/hasImportanceMatrix`` says there is none. Call it for every
    /// tensor after deciding its type and before writing anything.
    public func checkImportanceMatrix(_ tensor: TensorRoleInfo, type: GGMLType) throws {
        if !model.hasImportanceMatrix, requiresImportanceMatrix(tensor, type: type) {
            throw ConversionError.importanceMatrixRequired(tensor: tensor.name, type: type.name)
        }
    }

    /// Row lengths must be whole blocks. A 256-wide K-quant falls back to the 32-wide legacy
    /// format of similar size, the 256-wide IQ formats to IQ4_NL (as llama.cpp does); if even 32 does not divide
    /// the row, F16.
    public static func compatible(_ type: GGMLType, rowLength: Int) -> Decision {
        guard rowLength % type.blockSize != 0 else { return Decision(type: type) }
        var fallback: GGMLType
        switch type {
        case .q2_K, .q3_K: fallback = .q4_0
        case .q4_K: fallback = .q5_0
        case .q5_K: fallback = .q5_1
        case .q6_K: fallback = .q8_0
        case .iq1_s, .iq1_m, .iq2_xxs, .iq2_xs, .iq2_s, .iq3_xxs, .iq3_s, .iq4_xs: fallback = .iq4_nl
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
    func mixType(_ tensor: TensorRoleInfo, category: TensorCategory, base: GGMLType) -> GGMLType {
        // llama.cpp counts attn_v and ffn_down tensors in file order; in a dense model the
        // count is the block number.
        let i = Self.layerIndex(tensor.name) ?? 0
        let layers = max(model.layerCount, 1)

        if category == .output || (category == .tokenEmbedding && model.tiedEmbeddings) {
            // The head's errors hit every logit: Q6_K, or Q8_0 when the base type cannot split its rows.
            if let outputTensorType { return outputTensorType }
            if (tensor.dimensions.first ?? 0) % base.blockSize != 0 { return .q8_0 }
            if [.iq2_xxs, .iq2_xs, .iq2_s, .iq2_m, .iq3_xxs, .iq1_s, .iq1_m].contains(fileType) { return .q5_K }
            return base == .q8_0 ? .q8_0 : .q6_K
        }
        if category == .tokenEmbedding {
            switch fileType {
            case .iq2_xxs, .iq2_xs, .iq1_s, .iq1_m: return .q2_K
            case .iq2_s, .iq2_m, .iq3_xxs: return .iq3_s
            default: return base
            }
        }
        // The 1- and 2-bit i-quant mixes have their own short rule list and skip every rule below.
        if [.iq2_xxs, .iq2_xs, .iq2_s, .iq2_m, .iq1_s, .iq1_m].contains(fileType) {
            let sensitive: GGMLType = fileType == .iq2_s || fileType == .iq2_m ? .iq3_s : .q2_K
            switch category {
            case .attentionV: return model.gqaRatio >= 4 ? .q4_K : sensitive
            case .ffnDown: return i < layers / 8 ? sensitive : base
            case .attentionOutput:
                switch fileType {
                case .iq1_s, .iq1_m: return .iq2_xxs
                case .iq2_s, .iq2_m: return .iq3_s
                default: return base
                }
            default: return base
            }
        }
        switch category {
        case .attentionV:
            var type = base
            switch fileType {
            // GQA shares each V head across several Q heads, so V errors count several times.
            case .q2_k: type = model.gqaRatio >= 4 ? .q4_K : .q3_K
            case .q2_k_s: if model.gqaRatio >= 4 { type = .q4_K }
            case .q3_k_m: type = i < 2 ? .q5_K : .q4_K
            case .q3_k_l: type = .q5_K
            case .q4_k_m, .q5_k_m: if Self.useMoreBits(i, layers) { type = .q6_K }
            case .q4_k_s: if i < 4 { type = .q5_K }
            case .iq4_nl, .iq4_xs: if model.gqaRatio >= 4 { type = .q5_K }
            case .iq3_xxs: type = model.gqaRatio >= 4 ? .q4_K : model.hasImportanceMatrix ? .iq3_xxs : .iq3_s
            case .iq3_xs, .iq3_s: if model.gqaRatio >= 4 { type = .q4_K }
            case .iq3_m: type = .q4_K
            default: break
            }
            // 70B models share each V head across 8 query heads: a small tensor worth more bits.
            if model.is70BClass, type == .q3_K || type == .q4_K { type = .q5_K }
            return type
        case .ffnDown:
            switch fileType {
            case .q2_k: return .q3_K
            case .q2_k_s: return i < layers / 8 ? .q4_K : base
            case .q3_k_m: return i < layers / 16 ? .q5_K : .q4_K
            case .q3_k_l: return .q5_K
            case .q4_k_m, .q5_k_m: return Self.useMoreBits(i, layers) ? .q6_K : base
            case .q4_k_s: return i < layers / 8 ? .q5_K : base
            case .iq4_nl, .iq4_xs: return !model.hasImportanceMatrix && i < layers / 8 ? .q5_K : base
            case .iq3_m: return i < layers / 8 ? .q4_K : base
            case .iq3_xxs where !model.hasImportanceMatrix: return i < layers / 8 ? .q4_K : .q3_K
            // With an importance matrix llama.cpp shields the first layers' ffn_down; without one
            // it keeps Q4_0/Q5_0 so plain runs reproduce older files.
            case .q4_0 where model.hasImportanceMatrix && i < layers / 8: return .q4_1
            case .q5_0 where model.hasImportanceMatrix && i < layers / 8: return .q5_1
            default: return base
            }
        case .attentionOutput:
            switch fileType {
            case .q2_k: return .q3_K
            case .q3_k_m: return .q4_K
            case .q3_k_l: return .q5_K
            case .iq3_m: return .q4_K
            case .iq3_xxs: return .iq3_s
            default: return base
            }
        case .attentionQ, .attentionK:
            return fileType == .iq3_xs ? .iq3_xxs : fileType == .iq3_xxs ? .iq2_s : base
        case .ffnGate, .ffnUp:
            // IQ3_XS uses IQ3_XXS for the feed-forward input of the middle three quarters.
            return fileType == .iq3_xs && i >= layers / 8 && i < 7 * layers / 8 ? .iq3_xxs : base
        default:
            return base
        }
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
