import Foundation
import GGUF
import TestSupport

/// One tensor of a test GGUF: its encoded bytes and the F32 values they decode to.
struct TinyTensor {
    var name: String
    /// GGUF order (row length first).
    var dimensions: [Int]
    var type: GGMLType
    var bytes: [UInt8]
    /// Dequantized values in GGUF row order.
    var values: [Float]

    var rowLength: Int { dimensions[0] }
    var rowCount: Int { values.count / dimensions[0] }
}

/// A two-layer Llama GGUF built in memory: Q8_0, F16 and F32 tensors with known values,
/// and either a byte-level BPE or a SentencePiece vocabulary.
struct TinyModel {
    enum Vocabulary {
        case bytePairs(pre: String, addBOS: Bool)
        case sentencePiece
    }

    static let hidden = 64, heads = 4, kvHeads = 2, headDim = 16, ffn = 96, layers = 2, context = 256
    static let ropeTheta: Float = 500_000
    static let chatTemplate = "{% for m in messages %}<|im_start|>{{ m['content'] }}<|im_end|>{% endfor %}"

    var vocabulary: Vocabulary
    /// `llama`, `qwen2` (adds Q/K/V biases) or `qwen3` (adds Q/K norms).
    var architecture: String
    var tiedEmbeddings = false
    var llama3Rope = false
    var tensors: [TinyTensor] = []
    var metadata = GGUFMetadata()

    init(vocabulary: Vocabulary, architecture: String = "llama", tiedEmbeddings: Bool = false, llama3Rope: Bool = false,
         attentionBias: Bool = false, seed: UInt64 = 1) {
        self.vocabulary = vocabulary
        self.architecture = architecture
        self.tiedEmbeddings = tiedEmbeddings
        self.llama3Rope = llama3Rope
        var random = SplitMix64(seed: seed)
        let vocab = vocabularyMetadata()
        let vocabSize = vocab.tokens.count
        let a = architecture
        metadata[GGUFKey.architecture] = .string(a)
        metadata[GGUFKey.name] = .string("tiny")
        metadata["\(a).block_count"] = .uint32(UInt32(Self.layers))
        metadata["\(a).context_length"] = .uint32(UInt32(Self.context))
        metadata["\(a).embedding_length"] = .uint32(UInt32(Self.hidden))
        metadata["\(a).feed_forward_length"] = .uint32(UInt32(Self.ffn))
        metadata["\(a).attention.head_count"] = .uint32(UInt32(Self.heads))
        metadata["\(a).attention.head_count_kv"] = .uint32(UInt32(Self.kvHeads))
        metadata["\(a).rope.freq_base"] = .float32(Self.ropeTheta)
        metadata["\(a).attention.layer_norm_rms_epsilon"] = .float32(1e-5)
        metadata["\(a).vocab_size"] = .uint32(UInt32(vocabSize))
        metadata["\(a).rope.dimension_count"] = .uint32(UInt32(Self.headDim))
        metadata[GGUFKey.fileType] = .uint32(7)
        metadata.merge(vocab.metadata)

        let kv = Self.kvHeads * Self.headDim
        tensors.append(Self.q8_0("token_embd.weight", [Self.hidden, vocabSize], &random))
        if llama3Rope {
            tensors.append(TinyTensor(name: "rope_freqs.weight", dimensions: [Self.headDim / 2], type: .f32,
                                      values: Self.llama3Factors()))
        }
        for layer in 0 ..< Self.layers {
            let p = "blk.\(layer)."
            let odd = layer % 2 == 1
            tensors.append(Self.f32(p + "attn_norm.weight", [Self.hidden], &random))
            tensors.append(odd ? Self.f16(p + "attn_q.weight", [Self.hidden, Self.hidden], &random)
                : Self.q8_0(p + "attn_q.weight", [Self.hidden, Self.hidden], &random))
            tensors.append(odd ? Self.q8_0(p + "attn_k.weight", [Self.hidden, kv], &random)
                : Self.f16(p + "attn_k.weight", [Self.hidden, kv], &random))
            tensors.append(Self.q8_0(p + "attn_v.weight", [Self.hidden, kv], &random))
            if attentionBias || architecture == "qwen2" {
                tensors.append(Self.f32(p + "attn_q.bias", [Self.hidden], &random))
                tensors.append(Self.f32(p + "attn_k.bias", [kv], &random))
                tensors.append(Self.f32(p + "attn_v.bias", [kv], &random))
            }
            if architecture == "qwen3" {
                tensors.append(Self.f32(p + "attn_q_norm.weight", [Self.headDim], &random))
                tensors.append(Self.f32(p + "attn_k_norm.weight", [Self.headDim], &random))
            }
            tensors.append(Self.f32(p + "attn_output.weight", [Self.hidden, Self.hidden], &random))
            tensors.append(Self.f32(p + "ffn_norm.weight", [Self.hidden], &random))
            tensors.append(Self.q8_0(p + "ffn_gate.weight", [Self.hidden, Self.ffn], &random))
            tensors.append(Self.f16(p + "ffn_up.weight", [Self.hidden, Self.ffn], &random))
            tensors.append(Self.q8_0(p + "ffn_down.weight", [Self.ffn, Self.hidden], &random))
        }
        tensors.append(Self.f32("output_norm.weight", [Self.hidden], &random))
        if !tiedEmbeddings { tensors.append(Self.f16("output.weight", [Self.hidden, vocabSize], &random)) }
    }

    func write(to path: String) throws {
        let descriptors = tensors.map { GGUFTensorDescriptor(name: $0.name, dimensions: $0.dimensions, type: $0.type) }
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: descriptors)
        for tensor in tensors { try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) } }
        try writer.finish()
    }

    func tensor(_ name: String) -> TinyTensor? { tensors.first { $0.name == name } }

    // MARK: Vocabularies

    struct VocabularyMetadata {
        var tokens: [String]
        var metadata: GGUFMetadata
    }

    static let bpeTokens: [(String, Int32)] = {
        var list: [(String, Int32)] = [("<|endoftext|>", 3), ("<|im_start|>", 3), ("<|im_end|>", 3)]
        list += ["a", "b", "c", "d", "e", "Ġ", "!", "1", "2", "3"].map { ($0, 1) }
        list += ["ab", "Ġa", "abc", "Ġab", "de", "Ġd", "cd"].map { ($0, 1) }
        list += [("my token", 4), ("[PAD21]", 5)]
        list += "fghijklmnopqrstuvw".map { (String($0), 1) }
        return list
    }()
    static let bpeMerges = ["a b", "Ġ a", "ab c", "Ġ ab", "d e", "Ġ d", "c d"]

    static let spmTokens: [(String, Float, Int32)] = {
        var list: [(String, Float, Int32)] = [("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3)]
        let digits = Array("0123456789ABCDEF")
        for byte in 0 ..< 256 { list.append(("<0x\(digits[byte >> 4])\(digits[byte & 15])>", 0, 6)) }
        for (i, piece) in ["▁a", "ab", "▁ab", "▁b", "a", "b", "▁"].enumerated() { list.append((piece, Float(-i), 1)) }
        list.append(("<tool>", -1000, 4))
        list.append(("[PAD\(list.count)]", -10000, 5))
        return list
    }()

    private func vocabularyMetadata() -> VocabularyMetadata {
        var m = GGUFMetadata()
        switch vocabulary {
        case let .bytePairs(pre, addBOS):
            m[GGUFKey.tokenizerModel] = .string("gpt2")
            m[GGUFKey.tokenizerPre] = .string(pre)
            m[GGUFKey.tokenizerTokens] = .strings(Self.bpeTokens.map(\.0))
            m[GGUFKey.tokenizerTokenType] = .int32s(Self.bpeTokens.map(\.1))
            m[GGUFKey.tokenizerMerges] = .strings(Self.bpeMerges)
            m[GGUFKey.bosTokenID] = .uint32(1)
            m[GGUFKey.eosTokenID] = .uint32(2)
            m[GGUFKey.unknownTokenID] = .uint32(0)
            m[GGUFKey.paddingTokenID] = .uint32(2)
            m[GGUFKey.addBOSToken] = .bool(addBOS)
            m[GGUFKey.addEOSToken] = .bool(false)
            m[GGUFKey.chatTemplate] = .string(Self.chatTemplate)
            return VocabularyMetadata(tokens: Self.bpeTokens.map(\.0), metadata: m)
        case .sentencePiece:
            m[GGUFKey.tokenizerModel] = .string("llama")
            m[GGUFKey.tokenizerPre] = .string("default")
            m[GGUFKey.tokenizerTokens] = .strings(Self.spmTokens.map(\.0))
            m[GGUFKey.tokenizerScores] = .float32s(Self.spmTokens.map(\.1))
            m[GGUFKey.tokenizerTokenType] = .int32s(Self.spmTokens.map(\.2))
            m[GGUFKey.bosTokenID] = .uint32(1)
            m[GGUFKey.eosTokenID] = .uint32(2)
            // The converter pads with EOS when a Llama tokenizer has no pad token.
            m[GGUFKey.paddingTokenID] = .uint32(2)
            m[GGUFKey.addBOSToken] = .bool(true)
            m[GGUFKey.addEOSToken] = .bool(false)
            m[GGUFKey.chatTemplate] = .string(Self.chatTemplate)
            return VocabularyMetadata(tokens: Self.spmTokens.map(\.0), metadata: m)
        }
    }

    // MARK: Tensor encodings

    static func f32(_ name: String, _ dims: [Int], _ random: inout SplitMix64) -> TinyTensor {
        let values = (0 ..< dims.reduce(1, *)).map { _ in Float.random(in: -1 ... 1, using: &random) }
        return TinyTensor(name: name, dimensions: dims, type: .f32, values: values)
    }

    static func f16(_ name: String, _ dims: [Int], _ random: inout SplitMix64) -> TinyTensor {
        let halves = (0 ..< dims.reduce(1, *)).map { _ in Float16(Float.random(in: -1 ... 1, using: &random)) }
        var bytes: [UInt8] = []
        for half in halves { bytes += [UInt8(half.bitPattern & 0xFF), UInt8(half.bitPattern >> 8)] }
        return TinyTensor(name: name, dimensions: dims, type: .f16, bytes: bytes, values: halves.map(Float.init))
    }

    /// Blocks of a random F16 scale and 32 random signed bytes; the value is exactly scale × byte.
    static func q8_0(_ name: String, _ dims: [Int], _ random: inout SplitMix64) -> TinyTensor {
        var bytes: [UInt8] = []
        var values: [Float] = []
        for _ in 0 ..< dims.reduce(1, *) / 32 {
            let scale = Float16(Float.random(in: 0.001 ... 0.02, using: &random))
            bytes += [UInt8(scale.bitPattern & 0xFF), UInt8(scale.bitPattern >> 8)]
            for _ in 0 ..< 32 {
                let q = Int8.random(in: -127 ... 127, using: &random)
                bytes.append(UInt8(bitPattern: q))
                values.append(Float(scale) * Float(q))
            }
        }
        return TinyTensor(name: name, dimensions: dims, type: .q8_0, bytes: bytes, values: values)
    }

    /// llama3 RoPE factors for scale 8, low 1, high 4, original context 8192, computed like the converter.
    static func llama3Factors() -> [Float] {
        let (scale, low, high, original) = (8.0, 1.0, 4.0, 8192.0)
        return stride(from: 0, to: headDim, by: 2).map { i -> Float in
            let frequency = 1 / pow(Double(ropeTheta), Double(i) / Double(headDim))
            let wavelength = 2 * Double.pi / frequency
            if wavelength < original / high { return 1 }
            if wavelength > original / low { return Float(scale) }
            let smooth = (original / wavelength - low) / (high - low)
            return Float(1 / ((1 - smooth) / scale + smooth))
        }
    }
}

extension TinyTensor {
    /// An F32 tensor: the bytes are the values.
    init(name: String, dimensions: [Int], type: GGMLType, values: [Float]) {
        self.init(name: name, dimensions: dimensions, type: type,
                  bytes: values.withUnsafeBytes { Array($0) }, values: values)
    }
}

/// The Hugging Face row order of a llama Q/K tensor stored in llama.cpp's interleaved order,
/// written from the reshape that gguf-py's reference un-permutation performs:
/// `w.reshape(heads, rows / heads / 2, 2, cols).swapaxes(1, 2)`.
func unpermuteRows(_ values: [Float], rowLength: Int, heads: Int) -> [Float] {
    let rows = values.count / rowLength
    let half = rows / heads / 2
    var out = [Float](repeating: 0, count: values.count)
    for head in 0 ..< heads {
        for pair in 0 ..< 2 {
            for i in 0 ..< half {
                let hfRow = head * 2 * half + pair * half + i
                let ggufRow = head * 2 * half + i * 2 + pair
                for c in 0 ..< rowLength { out[hfRow * rowLength + c] = values[ggufRow * rowLength + c] }
            }
        }
    }
    return out
}
