import Models

/// GGUF tensor names back to Hugging Face names, through the architecture descriptor's table,
/// with the position each tensor takes in the checkpoint.
enum TensorNaming {
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

    /// The Hugging Face name of a GGUF tensor, or `nil` when the descriptor's table has none.
    /// `blk.N` indices at or past `blockCount` are refused, as the converter would refuse them.
    static func map(_ ggufName: String, descriptor: any ArchitectureDescriptor, blockCount: Int) -> Mapped? {
        guard let names = descriptor.tensorNames(forGGUF: ggufName, layerCount: blockCount) else { return nil }
        if let layer = names.layer {
            return Mapped(huggingFaceName: names.huggingFaceName, layerSuffix: names.ggufSuffix, position: .layer(layer))
        }
        let position: Position = switch ggufName {
        case "token_embd.weight": .embeddings
        case "output.weight": .head
        default: .finalNorm
        }
        return Mapped(huggingFaceName: names.huggingFaceName, layerSuffix: nil, position: position)
    }
}
