import Models

/// GGUF tensor names back to Hugging Face names: the converter's tables read in reverse.
enum TensorNaming {
    /// GGUF per-layer suffix (after `blk.N.`) → Hugging Face suffix (after `model.layers.N.`).
    static let layerSuffixes: [String: String] = Dictionary(
        LlamaFamily.layerTensors.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })

    /// Whole-model GGUF names → Hugging Face names.
    static let globalNames: [String: String] = Dictionary(
        LlamaFamily.globalTensors.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })

    /// Tensors llama.cpp derives from `config.json` (llama3 RoPE factors): not weights.
    static let derivedTensors: Set<String> = ["rope_freqs.weight"]

    /// Where a tensor sits in a checkpoint, for ordering: embeddings, layers, final norm, head
    /// (the case order is the sort order).
    enum Position: Comparable {
        case embeddings
        case layer(Int)
        case finalNorm
        case head
    }

    struct Mapped {
        var huggingFaceName: String
        /// The GGUF suffix after `blk.N.`, `nil` for whole-model tensors.
        var layerSuffix: String?
        var position: Position
    }

    /// The Hugging Face name of a GGUF tensor, or `nil` when the tables have none.
    /// `blk.N` indices at or past `blockCount` are refused, as the converter would refuse them.
    static func map(_ ggufName: String, blockCount: Int) -> Mapped? {
        if let global = globalNames[ggufName] {
            let position: Position = switch ggufName {
            case "token_embd.weight": .embeddings
            case "output.weight": .head
            default: .finalNorm
            }
            return Mapped(huggingFaceName: global, layerSuffix: nil, position: position)
        }
        let prefix = "blk."
        guard ggufName.hasPrefix(prefix) else { return nil }
        let rest = ggufName.utf8.dropFirst(prefix.utf8.count)
        guard let dot = rest.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let digits = rest[rest.startIndex ..< dot]
        // Plain decimal only: "+1" or "01" would name the same layer twice.
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              digits.count == 1 || digits.first != UInt8(ascii: "0"),
              let layer = Int(String(decoding: digits, as: UTF8.self)), layer < blockCount else { return nil }
        let suffix = String(decoding: rest[rest.index(after: dot)...], as: UTF8.self)
        guard let hfSuffix = layerSuffixes[suffix] else { return nil }
        return Mapped(huggingFaceName: "model.layers.\(layer).\(hfSuffix)", layerSuffix: suffix, position: .layer(layer))
    }
}
