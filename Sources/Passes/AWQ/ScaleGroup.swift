/// Weight matrices that read one input, with the operation before them that can absorb the
/// inverse of a per-column scale on that input, so scaling the matrices' columns by `s` and
/// dividing the absorbing weights by `s` leaves the model's function unchanged.
struct ScaleGroup: Equatable {
    /// Where `1/s` goes.
    enum Absorber: Equatable {
        /// An RMSNorm weight vector (the norm's output is the group's input).
        case normWeight(String)
        /// The rows of the matrix whose output is the group's input (V before O, up before down:
        /// the input is linear in those rows).
        case matrixRows(String)
    }

    /// For logs: `attention input`, `V → O`, `feed-forward input`, `up → down`.
    var label: String
    /// The matrices whose columns are scaled; the first one's input is the group's input.
    var weights: [String]
    var absorber: Absorber
}

/// The scale groups of each layer, per architecture.
enum ScaleGroups {
    /// Llama-family layers (`llama`, `qwen2`, `qwen3`): input norm → Q, K, V; V → O when every
    /// query head has its own value head (with grouped-query attention one V row feeds several
    /// heads' outputs, so O's columns do not line up with V's rows one to one); post-attention
    /// norm → gate, up; up → down. Q/K norms and biases sit after the scaled products and are
    /// unaffected; a V bias is divided with V's rows.
    static func llamaFamily(layer: Int, heads: Int, keyValueHeads: Int) -> [ScaleGroup] {
        let p = "blk.\(layer)."
        var groups = [ScaleGroup(label: "attention input", weights: [p + "attn_q.weight", p + "attn_k.weight",
                                                                     p + "attn_v.weight"],
                                 absorber: .normWeight(p + "attn_norm.weight"))]
        if heads == keyValueHeads {
            groups.append(ScaleGroup(label: "V → O", weights: [p + "attn_output.weight"],
                                     absorber: .matrixRows(p + "attn_v.weight")))
        }
        groups.append(ScaleGroup(label: "feed-forward input", weights: [p + "ffn_gate.weight", p + "ffn_up.weight"],
                                 absorber: .normWeight(p + "ffn_norm.weight")))
        groups.append(ScaleGroup(label: "up → down", weights: [p + "ffn_down.weight"],
                                 absorber: .matrixRows(p + "ffn_up.weight")))
        return groups
    }
}
