import Foundation
import GGUF
import SafeTensors
@testable import Export
import TestSupport

/// What an exported folder should hold for a ``TinyModel``, spelled out independently of
/// the exporter's own tables.
enum ExportExpectations {
    static func huggingFaceName(_ gguf: String) -> String? {
        let globals = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
                       "output.weight": "lm_head.weight"]
        if let name = globals[gguf] { return name }
        let layer = ["attn_norm.weight": "input_layernorm.weight", "attn_q.weight": "self_attn.q_proj.weight",
                     "attn_k.weight": "self_attn.k_proj.weight", "attn_v.weight": "self_attn.v_proj.weight",
                     "attn_output.weight": "self_attn.o_proj.weight", "ffn_norm.weight": "post_attention_layernorm.weight",
                     "ffn_gate.weight": "mlp.gate_proj.weight", "ffn_up.weight": "mlp.up_proj.weight",
                     "ffn_down.weight": "mlp.down_proj.weight", "attn_q.bias": "self_attn.q_proj.bias",
                     "attn_k.bias": "self_attn.k_proj.bias", "attn_v.bias": "self_attn.v_proj.bias",
                     "attn_q_norm.weight": "self_attn.q_norm.weight", "attn_k_norm.weight": "self_attn.k_norm.weight"]
        let parts = gguf.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let suffix = layer[String(parts[2])] else { return nil }
        return "model.layers.\(parts[1]).\(suffix)"
    }

    /// The values a tensor should have in the export: Hugging Face row order, then the dtype's rounding.
    /// Only `llama` reorders Q/K (weights and biases); a bias's elements are its rows.
    static func exportedValues(_ tensor: TinyTensor, dtype: ExportDType, architecture: String = "llama") -> [Float] {
        var values = tensor.values
        let rowLength = tensor.dimensions.count == 1 ? 1 : tensor.rowLength
        if architecture == "llama", tensor.name.hasSuffix("attn_q.weight") || tensor.name.hasSuffix("attn_q.bias") {
            values = unpermuteRows(values, rowLength: rowLength, heads: TinyModel.heads)
        } else if architecture == "llama", tensor.name.hasSuffix("attn_k.weight") || tensor.name.hasSuffix("attn_k.bias") {
            values = unpermuteRows(values, rowLength: rowLength, heads: TinyModel.kvHeads)
        }
        return values.map { rounded($0, dtype) }
    }

    static func rounded(_ value: Float, _ dtype: ExportDType) -> Float {
        switch dtype {
        case .f32: value
        case .bf16: bf16Rounded(value)
        case .f16: Float(Float16(value))
        }
    }

    /// Decodes safetensors bytes of a float dtype.
    static func decode(_ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType) -> [Float] {
        switch dtype {
        case .f32:
            return (0 ..< bytes.count / 4).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
        case .bf16:
            return (0 ..< bytes.count / 2).map {
                Float(bitPattern: UInt32(bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16)
            }
        case .f16:
            return (0 ..< bytes.count / 2).map {
                Float(Float16(bitPattern: bytes.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
            }
        default:
            return []
        }
    }

    /// Exports `model` (written to a GGUF in `dir`) and returns the output folder's path.
    static func export(_ model: TinyModel, in dir: TemporaryDirectory, dtype: ExportDType = .f32,
                       maxShardBytes: Int = ExportOptions.defaultMaxShardBytes) throws -> (String, ExportSummary) {
        let ggufPath = dir.file("tiny.gguf")
        try model.write(to: ggufPath)
        let output = dir.file("hf")
        let options = ExportOptions(dtype: dtype, threads: 3, maxShardBytes: maxShardBytes)
        let summary = try GGUFExporter.export(ggufPath: ggufPath, to: output, options: options)
        return (output, summary)
    }
}
