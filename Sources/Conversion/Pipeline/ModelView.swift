import Foundation
import GGUF
import Models
import Quantization

/// The model as the pipeline sees it between reading and writing: GGUF metadata and the
/// output tensors in file order, each still pointing at its source bytes until a pass
/// replaces it.
///
/// Tensors are loaded lazily: nothing is decoded until a pass asks for values
/// (``floats(of:)``) or the writer encodes them, so an untouched tensor streams from the
/// memory-mapped source exactly as it would without any pass.
public struct ModelView: @unchecked Sendable {
    // @unchecked: the source is immutable after opening; tensors and metadata are values.

    /// Where the tensors that no pass replaced come from.
    public let source: ModelSource
    /// The GGUF metadata the output will carry (architecture, hyper-parameters, tokenizer).
    public var metadata: GGUFMetadata
    /// Output tensors in file order; `targetType` is chosen by the type policy after the passes.
    public internal(set) var tensors: [PlannedTensor]
    /// Names of tensors whose values or shapes a pass replaced.
    public internal(set) var replacedTensors: Set<String> = []
    /// The Q/K row permutation each Hugging Face tensor gets on its way to llama.cpp's order
    /// (values from ``floats(of:)`` already have it applied).
    /// A pass that removes whole heads keeps the permutation, with the new head count.
    public private(set) var rowPermutations: [String: RowPermutation]
    /// Where values computed by passes are kept (memory-mapped) until written: the output's
    /// folder, which has room for the output, rather than a `/tmp` that may be RAM.
    public var scratchDirectory: String = NSTemporaryDirectory()
    private var scratch: ScratchFile?

    init(source: ModelSource, metadata: GGUFMetadata, tensors: [PlannedTensor]) {
        self.source = source
        self.metadata = metadata
        self.tensors = tensors
        var permutations: [String: RowPermutation] = [:]
        for tensor in tensors {
            if case let .checkpoint(_, permutation?) = tensor.source { permutations[tensor.ggufName] = permutation }
        }
        rowPermutations = permutations
    }

    /// `general.architecture` (`llama`, `qwen2`, ...).
    public var architecture: String { metadata["general.architecture"]?.stringValue ?? "llama" }

    /// The tensor called `name` (GGUF naming), if the model has it.
    public func tensor(named name: String) -> PlannedTensor? {
        tensors.first { $0.ggufName == name }
    }

    /// Whether every weight matrix is stored as F32, F16 or BF16 (passes that rescale or
    /// measure weights refuse quantized sources: their values already carry rounding).
    public var hasFullPrecisionWeights: Bool {
        tensors.allSatisfy { tensor in
            guard tensor.dimensions.count >= 2, let type = tensor.sourceType else { return true }
            return [.f32, .f16, .bf16].contains(type)
        }
    }

    /// The tensor's values as F32 in GGUF layout (rows of `rowLength`, Q/K rows already in
    /// llama.cpp's order), decoded from wherever they currently are; the source's pages are
    /// released afterwards.
    public func floats(of name: String) throws -> [Float] {
        guard let tensor = tensor(named: name) else {
            throw ConversionError.missingTensor(tensor: name, directory: source.location)
        }
        if case let .generated(values) = tensor.source { return values }
        let (bytes, type) = try storedBytes(of: tensor)
        var values = [Float]()
        let encoder = TensorEncoder(threads: 1)
        var f32 = tensor
        f32.targetType = .f32
        f32.importance = nil
        values.reserveCapacity(tensor.elementCount)
        try encoder.encode(f32, sourceBytes: bytes, sourceType: type) { chunk in
            values.append(contentsOf: chunk.bindMemory(to: Float.self))
        }
        // The values are copied out: a pass that reads every tensor once must not keep the
        // whole model's file pages resident.
        release(tensor)
        return values
    }

    /// Replaces a tensor's values (and, for passes that change shapes, its dimensions, GGUF
    /// order). The writer then encodes these values instead of the source's.
    ///
    /// The values go to a memory-mapped scratch file, not RAM. A Hugging Face Q/K tensor whose
    /// shape is unchanged is kept in the checkpoint's row order, so calibration reads it in
    /// place (``storedValues(of:)``) and the writer permutes it as it does the checkpoint's.
    public mutating func replace(_ name: String, values: [Float], dimensions: [Int]? = nil) throws {
        guard let index = tensors.firstIndex(where: { $0.ggufName == name }) else {
            throw ConversionError.missingTensor(tensor: name, directory: source.location)
        }
        let dims = dimensions ?? tensors[index].dimensions
        guard dims.reduce(1, *) == values.count else {
            throw ConversionError.invalidOption(
                "tensor \(name): \(values.count) values do not fill shape \(dims)")
        }
        if scratch == nil { scratch = try ScratchFile(directory: scratchDirectory) }
        if let rows = rowPermutations[name], dims != tensors[index].dimensions {
            // The permutation works within each head, so a tensor that lost whole heads keeps
            // it with fewer heads; anything else cannot be put back into Hugging Face order.
            let oldRows = Self.permutedRowCount(tensors[index].dimensions)
            let newRows = Self.permutedRowCount(dims)
            let perHead = oldRows / max(rows.heads, 1)
            guard dims.count == tensors[index].dimensions.count, perHead > 0, newRows % perHead == 0,
                  dims.count == 1 || dims[0] == tensors[index].dimensions[0] else {
                throw ConversionError.invalidOption(
                    "tensor \(name): new shape \(dims) does not keep whole heads of \(perHead) rows")
            }
            rowPermutations[name] = RowPermutation(heads: newRows / perHead)
        }
        var permutation: RowPermutation?
        if case .huggingFace = source, let rows = rowPermutations[name] {
            permutation = rows
        }
        var stored = values
        if permutation != nil {
            var reshaped = tensors[index]
            reshaped.dimensions = dims
            stored = sourceRowOrder(values, of: reshaped)
        }
        let computed = try stored.withUnsafeBufferPointer { try scratch!.store($0) }
        tensors[index].source = .computed(values: computed, permutation: permutation)
        tensors[index].dimensions = dims
        replacedTensors.insert(name)
    }

    /// Adds a tensor computed by a pass (an `attn_output.bias` that did not exist, say) right
    /// after the tensor named `after`, as F32 values kept like ``replace(_:values:dimensions:)``'s.
    public mutating func insert(_ name: String, values: [Float], dimensions: [Int], after: String) throws {
        guard tensor(named: name) == nil else {
            throw ConversionError.invalidOption("tensor \(name) already exists")
        }
        guard let index = tensors.firstIndex(where: { $0.ggufName == after }) else {
            throw ConversionError.missingTensor(tensor: after, directory: source.location)
        }
        guard dimensions.reduce(1, *) == values.count else {
            throw ConversionError.invalidOption("tensor \(name): \(values.count) values do not fill shape \(dimensions)")
        }
        if scratch == nil { scratch = try ScratchFile(directory: scratchDirectory) }
        let computed = try values.withUnsafeBufferPointer { try scratch!.store($0) }
        tensors.insert(PlannedTensor(ggufName: name, dimensions: dimensions,
                                     source: .computed(values: computed, permutation: nil), targetType: .f32),
                       at: index + 1)
        replacedTensors.insert(name)
    }

    /// Rows a Q/K permutation reorders: a bias's elements, a matrix's rows.
    private static func permutedRowCount(_ dimensions: [Int]) -> Int {
        dimensions.count == 1 ? dimensions[0] : dimensions.dropFirst().reduce(1, *)
    }

    /// A replaced tensor's values as they are kept: F32, in the source's row order when
    /// `inSourceOrder`, else in GGUF order.
    public func storedValues(of name: String) -> (values: ScratchValues, inSourceOrder: Bool)? {
        guard case let .computed(values, permutation) = tensor(named: name)?.source else { return nil }
        return (values, permutation != nil)
    }

    /// `values` (GGUF order) put back into the row order of a Hugging Face source, which keeps
    /// Q/K rows unpermuted; other sources and tensors are returned as they are.
    public func sourceRowOrder(_ values: [Float], of tensor: PlannedTensor) -> [Float] {
        guard case .huggingFace = source, let permutation = rowPermutations[tensor.ggufName] else {
            return values
        }
        let rowLength = tensor.dimensions.count == 1 ? 1 : tensor.dimensions[0]
        let rows = values.count / max(rowLength, 1)
        var result = values
        for row in 0 ..< rows {
            let target = permutation.sourceRow(forOutputRow: row, rowCount: rows)
            for column in 0 ..< rowLength {
                result[target * rowLength + column] = values[row * rowLength + column]
            }
        }
        return result
    }

    /// Sets the per-column importance the quantizer weights each row's error by.
    public mutating func setImportance(_ name: String, _ importance: [Float]?) throws {
        guard let index = tensors.firstIndex(where: { $0.ggufName == name }) else {
            throw ConversionError.missingTensor(tensor: name, directory: source.location)
        }
        if let importance, importance.count != tensors[index].rowLength {
            throw ConversionError.invalidOption("tensor \(name): \(importance.count) importance values for rows of "
                + "\(tensors[index].rowLength)")
        }
        tensors[index].importance = importance
    }

    /// The stored bytes of a tensor that still comes from the source, and their type.
    func storedBytes(of tensor: PlannedTensor) throws -> (UnsafeRawBufferPointer, GGMLType) {
        switch (tensor.source, source) {
        case let (.checkpoint(info, _), .huggingFace(folder)):
            guard let type = tensor.sourceType else {
                throw ConversionError.unsupportedSourceDType(tensor: info.name, file: info.filePath,
                                                             dtype: info.dtype.rawValue)
            }
            return (try folder.checkpoint.data(named: info.name), type)
        case let (.gguf(info, _), .gguf(file)):
            return (file.data(for: info), info.type)
        case let (.computed(values, _), _):
            return (values.bytes, .f32)
        case (.generated, _):
            return (UnsafeRawBufferPointer(start: nil, count: 0), .f32)
        default:
            throw ConversionError.missingTensor(tensor: tensor.ggufName, directory: source.location)
        }
    }

    /// Asks the source to start reading a tensor's stored bytes ahead of use (a hint: nothing
    /// is mapped into memory until the bytes are touched).
    func prefetch(_ tensor: PlannedTensor) {
        switch (tensor.source, source) {
        case let (.checkpoint(info, _), .huggingFace(folder)):
            folder.checkpoint.advise(named: info.name, willNeed: true)
        case let (.gguf(info, _), .gguf(file)):
            file.advise(info, willNeed: true)
        default:
            break
        }
    }

    /// Lets the source drop a written tensor's pages (keeps resident memory flat).
    func release(_ tensor: PlannedTensor) {
        switch (tensor.source, source) {
        case let (.checkpoint(info, _), .huggingFace(folder)):
            folder.checkpoint.advise(named: info.name, willNeed: false)
        case let (.gguf(info, _), .gguf(file)):
            file.advise(info, willNeed: false)
        case let (.computed(values, _), _):
            values.releasePages()
        default:
            break
        }
    }
}
