/// Sees the input of every linear layer during a forward pass.
///
/// Compression passes calibrate on these inputs: an importance matrix needs per-column sums of
/// squares, activation-aware scaling needs per-column magnitudes, head pruning needs the
/// per-head slices of `attn_output`'s input. A tap is called on the thread that runs the
/// pass, in forward order, before the weights are applied and before any rounding of the
/// input for the weight type, so it sees the activations exactly as the model computed them.
public protocol ActivationTap: AnyObject {
    /// Whether the tap wants the input of the weight called `weightName` (GGUF naming, e.g.
    /// `blk.3.ffn_down.weight`). Asked once per weight per forward pass.
    func wants(_ weightName: String) -> Bool

    /// The input rows of the weights `weightNames` (weights applied to the same input, such as
    /// Q, K and V, are reported together): `rows` rows of `columns` floats, `stride` floats apart.
    /// The memory is only valid during the call.
    func observe(_ weightNames: [String], input: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int)
}
