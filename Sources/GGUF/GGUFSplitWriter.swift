import FileSupport

/// Writes a model as one GGUF file or, with a ``GGUFSplitLimit``, as llama.cpp's split parts
/// (see ``GGUFSplit``), with the streaming interface of ``GGUFWriter``.
///
/// The parts are laid out exactly as `llama-gguf-split` lays them out: all metadata in the
/// first part followed by the `split.*` keys (in its order: `split.no`, `split.tensors.count`,
/// `split.count`), only the `split.*` keys in the others (and
/// `general.alignment`, when set, so every part pads alike). Each part goes to a temporary
/// file; ``finish()`` renames them all at the end, and any failure before or during that
/// leaves none of them behind.
public final class GGUFSplitWriter {
    /// The files that ``finish()`` creates: `[path]` when the model fits in one part.
    public let paths: [String]
    /// The tensors of each part, as index ranges into the descriptors.
    public let parts: [Range<Int>]

    private let metadata: GGUFMetadata
    private let descriptors: [GGUFTensorDescriptor]
    private var writer: GGUFWriter?
    private var partIndex = -1
    private var completed: [AtomicOutputFile] = []
    private var tensorIndex = 0

    /// Plans the parts and starts the first one.
    ///
    /// One part (no limit, or a model under the limit) is written as a plain file at `path`, as
    /// `convert_hf_to_gguf.py` does, without `split.*` keys; more parts are named from `path`
    /// with ``GGUFSplit/partPaths(forOutput:count:)``.
    /// - Throws: ``GGUFError/invalidMetadata(path:key:reason:)`` for more parts than the names
    ///   allow, and whatever ``GGUFWriter/init(path:metadata:tensors:)`` throws.
    public init(path: String, metadata: GGUFMetadata, tensors: [GGUFTensorDescriptor],
                limit: GGUFSplitLimit?) throws {
        // An input's split layout says nothing about the output's (llama-quantize drops it too).
        var base = metadata
        for key in GGUFSplit.keys { base[key] = nil }
        let alignment = try MetadataValidation.alignment(of: base, path: path)
        let sizes = tensors.map { descriptor in
            if case let .valid(size) = TensorShape.validate(name: descriptor.name, dimensions: descriptor.dimensions,
                                                            type: descriptor.type) { size.byteCount } else { 0 }
        }
        parts = limit?.partition(byteCounts: sizes, alignment: alignment) ?? [0 ..< tensors.count]
        guard parts.count <= GGUFSplit.maxParts else {
            throw GGUFError.invalidMetadata(path: path, key: GGUFSplit.countKey,
                                            reason: "\(parts.count) parts; at most \(GGUFSplit.maxParts) are possible")
        }
        paths = parts.count == 1 ? [path] : GGUFSplit.partPaths(forOutput: path, count: parts.count)
        self.metadata = base
        descriptors = tensors
        try startNextPart()
    }

    /// Starts the next tensor, whose bytes then arrive through ``appendTensorBytes(_:)``.
    public func beginTensor() throws {
        guard let writer else { throw misuse("beginTensor called after the writer finished or failed") }
        if writer.tensorsWritten == parts[partIndex].count, tensorIndex < descriptors.count {
            try completePart()
            try startNextPart()
            try guarded { try self.writer!.beginTensor() }
        } else {
            try guarded { try writer.beginTensor() }
        }
    }

    /// Appends bytes to the open tensor.
    public func appendTensorBytes(_ bytes: UnsafeRawBufferPointer) throws {
        guard let writer else { throw misuse("appendTensorBytes called after the writer finished or failed") }
        try guarded { try writer.appendTensorBytes(bytes) }
    }

    /// Closes the open tensor (see ``GGUFWriter/endTensor()``).
    public func endTensor() throws {
        guard let writer else { throw misuse("endTensor called after the writer finished or failed") }
        try guarded { try writer.endTensor() }
        tensorIndex += 1
    }

    /// Checks every tensor was written, then moves all parts into place together.
    public func finish() throws {
        guard writer != nil else { throw misuse("finish called after the writer finished or failed") }
        try completePart()
        guard partIndex == parts.count - 1 else {
            discard()
            throw misuse("finish called after \(tensorIndex) of \(descriptors.count) tensors")
        }
        do {
            try AtomicOutputFile.commitAll(completed)
        } catch {
            completed = []
            throw GGUFError.fileSystem(path: paths[0], reason: "\(error)")
        }
        completed = []
    }

    /// Abandons the output: deletes every part's temporary file now.
    public func discard() {
        writer?.discard()
        writer = nil
        for file in completed { file.discard() }
        completed = []
    }

    // MARK: - Internals

    private func startNextPart() throws {
        partIndex += 1
        let range = parts[partIndex]
        var partMetadata = GGUFMetadata()
        if parts.count == 1 {
            partMetadata = metadata
        } else {
            if partIndex == 0 {
                partMetadata = metadata
            } else if let alignment = metadata[GGUFKey.alignment] {
                partMetadata[GGUFKey.alignment] = alignment
            }
            partMetadata[GGUFSplit.numberKey] = .uint16(UInt16(partIndex))
            partMetadata[GGUFSplit.tensorCountKey] = .int32(Int32(clamping: descriptors.count))
            partMetadata[GGUFSplit.countKey] = .uint16(UInt16(parts.count))
        }
        do {
            writer = try GGUFWriter(path: paths[partIndex], metadata: partMetadata,
                                    tensors: Array(descriptors[range]))
        } catch {
            discard()
            throw error
        }
    }

    private func completePart() throws {
        guard let current = writer else { return }
        try guarded { completed.append(try current.complete()) }
        writer = nil
    }

    /// Runs a step of the current part's writer; on failure every part is deleted.
    private func guarded(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            discard()
            throw error
        }
    }

    private func misuse(_ reason: String) -> GGUFError {
        .writerMisuse(path: paths.first ?? "", reason: reason)
    }
}
