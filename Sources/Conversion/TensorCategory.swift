/// The broad tensor roles llama.cpp's quantization mixes tell apart (`tensor_category` in
/// llama-quant.cpp), recognised from GGUF names the same way and in the same order, so a name
/// that contains two role fragments lands where llama-quantize puts it.
enum TensorCategory: Sendable, Equatable {
    case tokenEmbedding
    case output
    /// `attn_v`, and the fused `attn_qkv` / `attn_kv_b` that llama.cpp gives attn_v's rules.
    case attentionV
    case attentionK
    case attentionQ
    case attentionOutput
    case ffnUp
    case ffnGate
    case ffnDown
    case other

    init(name: String) {
        if name == "output.weight" {
            self = .output
        } else if name == "token_embd.weight" || name == "per_layer_token_embd.weight" {
            self = .tokenEmbedding
        } else if name.contains("attn_qkv.weight") || name.contains("attn_kv_b.weight") || name.contains("attn_v.weight") {
            self = .attentionV
        } else if name.contains("attn_k.weight") {
            self = .attentionK
        } else if name.contains("attn_q.weight") {
            self = .attentionQ
        } else if name.contains("attn_output.weight") {
            self = .attentionOutput
        } else if name.contains("ffn_up") {
            self = .ffnUp
        } else if name.contains("ffn_gate") {
            self = .ffnGate
        } else if name.contains("ffn_down") {
            self = .ffnDown
        } else {
            self = .other
        }
    }
}
