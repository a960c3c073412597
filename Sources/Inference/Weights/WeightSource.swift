import GGUF

/// One weight tensor as stored: its encoding, GGUF-order shape and raw bytes.
///
/// `bytes` points into memory owned by the ``WeightSource`` that produced it (usually a
/// file mapping) and is valid only while that source is alive.
public struct WeightTensor: @unchecked Sendable {
    // @unchecked: the bytes are read-only views into an immutable mapping.
    public let name: String
    public let type: GGMLType
    /// GGUF order: `dimensions[0]` is the row length.
    public let dimensions: [Int]
    public let bytes: UnsafeRawBufferPointer

    public init(name: String, type: GGMLType, dimensions: [Int], bytes: UnsafeRawBufferPointer) {
        self.name = name
        self.type = type
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Elements per row.
    public var rowLength: Int { dimensions.first ?? 0 }
    /// Rows: every dimension but the first, multiplied.
    public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }
}

/// Where a model's weights come from, addressed by GGUF tensor name (`blk.0.attn_q.weight`).
///
/// Implementations check that each tensor's bytes hold exactly its shape in its encoding,
/// so consumers can index rows without further checks.
public protocol WeightSource: Sendable {
    /// The file or folder, for error messages.
    var location: String { get }
    /// The hyper-parameters the source declares.
    var hyperParameters: ModelHyperParameters { get }
    /// The tensor called `name` (GGUF naming), or `nil` when the source has none.
    func tensor(named name: String) throws(InferenceError) -> WeightTensor?
    /// Lets the operating system drop the file pages behind tensor `name` once its values have
    /// been decoded elsewhere; they are read again from the file if needed. Sources whose bytes
    /// are not a file mapping do nothing.
    func releasePages(of name: String)
}

extension WeightSource {
    public func releasePages(of name: String) {}
}

extension WeightSource {
    /// The tensor called `name`, or ``InferenceError/missingTensor(name:source:)``.
    func require(_ name: String) throws(InferenceError) -> WeightTensor {
        guard let tensor = try tensor(named: name) else { throw .missingTensor(name: name, source: location) }
        return tensor
    }
}
