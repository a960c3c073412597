import GGUF
import Models

/// The facts about a GGUF model that its memory use follows from: the weights of each layer and
/// of the input and output layers, the width of each layer's K and V cache rows, the vocabulary.
public struct ModelMemory: Sendable {
    /// Bytes of one layer's tensors (`blk.N.*`), with the split by tensor type.
    public struct Layer: Sendable, Equatable {
        public var bytes: Int
        /// Bytes per ggml type name, sorted by name.
        public var bytesByType: [(type: String, bytes: Int)]

        public static func == (lhs: Layer, rhs: Layer) -> Bool {
            lhs.bytes == rhs.bytes && lhs.bytesByType.elementsEqual(rhs.bytesByType) { $0 == $1 }
        }
    }

    public var path: String
    public var architecture: String
    public var layers: [Layer]
    /// `token_embd.weight`: llama.cpp always keeps the input layer on the CPU.
    public var inputBytes: Int
    /// The output layer's own tensors: `output_norm.weight` and `output.weight` (and any other
    /// tensor outside the layers).
    public var outputBytes: Int
    /// With tied embeddings there is no `output.weight`: llama.cpp then gives the output layer a
    /// copy of `token_embd.weight`, which costs memory only where the output layer is offloaded.
    public var tiedCopyBytes: Int
    public var tiedEmbeddings: Bool
    /// Elements in one K (V) cache row of each layer: `n_embd_head_k (v) × n_head_kv(layer)`.
    public var keyWidths: [Int]
    public var valueWidths: [Int]
    public var embeddingLength: Int
    /// The widest FFN of any layer.
    public var feedForwardLength: Int
    public var vocabularySize: Int
    public var trainingContext: Int
    /// For each file of the model, llama.cpp's `CPU_Mapped model buffer size` with every layer on
    /// the CPU: the span of the file from the first tensor's data to the end of the last.
    public var mappedBytes: [Int]

    /// Reads the facts from an opened GGUF model (all parts of a split one).
    public init(file: GGUFFile) throws {
        let hyper: ModelHyperParameters
        do {
            hyper = try ModelHyperParameters(metadata: file.metadata, source: file.path)
        } catch {
            throw MemoryPlanError.unsupportedModel(path: file.path, reason: "\(error)")
        }
        path = file.path
        architecture = hyper.architecture
        embeddingLength = hyper.embeddingLength
        feedForwardLength = hyper.feedForwardLengths.max() ?? 0
        keyWidths = (0 ..< hyper.layerCount).map { hyper.keyWidth(layer: $0) }
        valueWidths = (0 ..< hyper.layerCount).map { hyper.valueWidth(layer: $0) }
        trainingContext = file.metadata["\(hyper.architecture).context_length"]?.intValue ?? 0

        var perLayer = Array(repeating: [String: Int](), count: hyper.layerCount)
        var input = 0, output = 0
        for info in file.tensors {
            let parts = info.name.split(separator: ".")
            if parts.count > 2, parts[0] == "blk", let index = Int(parts[1]), perLayer.indices.contains(index) {
                perLayer[index][info.type.name, default: 0] += info.byteCount
            } else if info.name == "token_embd.weight" {
                input += info.byteCount
            } else {
                output += info.byteCount
            }
        }
        layers = perLayer.map { types in
            Layer(bytes: types.values.reduce(0, +), bytesByType: types.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        let embedding = file.tensor(named: "token_embd.weight")
        tiedEmbeddings = file.tensor(named: "output.weight") == nil
        tiedCopyBytes = tiedEmbeddings ? embedding?.byteCount ?? 0 : 0
        inputBytes = input
        outputBytes = output
        let tokens = file.metadata[GGUFKey.tokenizerTokens]?.arrayValue?.count
        guard let vocabulary = tokens ?? embedding.map({ $0.dimensions.count == 2 ? $0.dimensions[1] : 0 }), vocabulary > 0 else {
            throw MemoryPlanError.unsupportedModel(path: file.path, reason: "no vocabulary (tokenizer.ggml.tokens)")
        }
        vocabularySize = vocabulary
        mappedBytes = file.partPaths.map { part in
            let spans = file.tensors.compactMap { info in
                file.location(of: info).flatMap { $0.path == part ? ($0.offset, $0.offset + info.byteCount) : nil }
            }
            guard let start = spans.map(\.0).min(), let end = spans.map(\.1).max() else { return 0 }
            return end - start
        }
    }

    public var layerCount: Int { layers.count }
}
