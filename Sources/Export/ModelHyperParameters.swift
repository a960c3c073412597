import GGUF

/// The `<arch>.*` hyper-parameters of a GGUF model, validated for writing `config.json`.
struct ModelHyperParameters {
    /// Widths, head counts and vocabulary sizes above this are refused as implausible
    /// (the same bound the Models module puts on `config.json`).
    static let maximumSize = 1 << 24

    struct RopeScaling {
        var type: String
        var factor: Float
        var originalContextLength: Int?
        var lowFreqFactor: Float?
        var highFreqFactor: Float?
    }

    var architecture: ExportArchitecture
    var blockCount: Int
    var embeddingLength: Int
    var feedForwardLength: Int
    var headCount: Int
    var headCountKV: Int
    var headDim: Int
    var contextLength: Int?
    var rmsNormEpsilon: Float?
    var ropeTheta: Float?
    var ropeScaling: RopeScaling?
    var vocabSize: Int?

    init(reader: MetadataReader, architecture: ExportArchitecture) throws {
        let arch = architecture.rawValue
        let limit = Self.maximumSize
        self.architecture = architecture
        blockCount = try reader.positiveCount(GGUFKey.blockCount(arch), max: 10_000)
        embeddingLength = try reader.positiveCount(GGUFKey.embeddingLength(arch), max: limit)
        feedForwardLength = try reader.positiveCount(GGUFKey.feedForwardLength(arch), max: limit)
        headCount = try reader.positiveCount(GGUFKey.attentionHeadCount(arch), max: limit)
        let kvKey = GGUFKey.attentionHeadCountKV(arch)
        headCountKV = try reader.optionalCount(kvKey, max: limit) ?? headCount
        guard headCountKV > 0, headCount % headCountKV == 0 else {
            throw ExportError.invalidMetadata(path: reader.path, key: kvKey,
                                              reason: "\(headCountKV) does not divide the head count \(headCount)")
        }
        let keyLengthKey = GGUFKey.attentionKeyLength(arch)
        if let keyLength = try reader.optionalCount(keyLengthKey, max: limit) {
            guard keyLength > 0, keyLength % 2 == 0 else {
                throw ExportError.invalidMetadata(path: reader.path, key: keyLengthKey, reason: "must be positive and even")
            }
            headDim = keyLength
        } else {
            guard embeddingLength % headCount == 0, (embeddingLength / headCount) % 2 == 0 else {
                throw ExportError.invalidMetadata(
                    path: reader.path, key: GGUFKey.attentionHeadCount(arch),
                    reason: "embedding length \(embeddingLength) is not an even multiple of \(headCount) heads "
                        + "and \(keyLengthKey) is absent")
            }
            headDim = embeddingLength / headCount
        }
        contextLength = try reader.optionalCount(GGUFKey.contextLength(arch))
        rmsNormEpsilon = try reader.optionalFloat(GGUFKey.attentionLayerNormRMSEpsilon(arch))
        ropeTheta = try reader.optionalFloat(GGUFKey.ropeFreqBase(arch))
        vocabSize = try reader.optionalCount(GGUFKey.vocabSize(arch), max: limit)
        ropeScaling = try Self.ropeScaling(reader: reader, arch: arch)
    }

    /// Linear and YaRN scaling travel as keys; anything else is left to the caller (llama3
    /// scaling travels as the `rope_freqs` tensor).
    private static func ropeScaling(reader: MetadataReader, arch: String) throws -> RopeScaling? {
        let type = try reader.optionalString(GGUFKey.ropeScalingType(arch))
        let factor = try reader.optionalFloat(GGUFKey.ropeScalingFactor(arch))
        switch type {
        case "linear"?, "yarn"?:
            guard let factor, factor.isFinite, factor > 0 else {
                throw ExportError.invalidMetadata(path: reader.path, key: GGUFKey.ropeScalingFactor(arch),
                                                  reason: "\(type!) RoPE scaling needs a positive factor")
            }
            let original = try reader.optionalCount(GGUFKey.ropeScalingOriginalContextLength(arch))
            return RopeScaling(type: type!, factor: factor, originalContextLength: type == "yarn" ? original : nil)
        case nil:
            // Older files store only `rope.scale_linear`.
            if let legacy = try reader.optionalFloat("\(arch).rope.scale_linear"), legacy.isFinite, legacy > 0, legacy != 1 {
                return RopeScaling(type: "linear", factor: legacy)
            }
            return nil
        default:
            return nil
        }
    }
}
