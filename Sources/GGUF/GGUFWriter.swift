import FileSupport

/// Writes a GGUF v3 file: metadata and tensor infos up front, then tensor data streamed in order.
///
/// Every tensor's size and offset is fixed by the descriptors given to ``init(path:metadata:tensors:)``,
/// which writes the whole header at once. The caller then supplies each tensor's bytes in
/// the same order, whole (``writeTensorData(_:)``) or in pieces (``beginTensor()``,
/// ``appendTensorBytes(_:)``, ``endTensor()``), and calls ``finish()``.
///
/// Output goes to a temporary file beside `path`; nothing appears at `path` until
/// ``finish()`` succeeds. Any error, or dropping the writer early, deletes the temporary
/// file. The same metadata, descriptors and bytes always give a byte-identical file.
public final class GGUFWriter {
    /// The final output path.
    public let path: String
    /// Data alignment in bytes, from `general.alignment` or the default 32.
    public let alignment: Int
    /// The tensors in file order, with the offsets their data will have.
    public let tensorInfos: [GGUFTensorInfo]
    /// Absolute file offset at which the data section starts.
    public let dataOffset: Int
    /// How many tensors have been completely written.
    public private(set) var tensorsWritten = 0

    private var output: AtomicOutputFile?
    private var state = State.betweenTensors

    private enum State {
        case betweenTensors
        case inTensor(received: Int)
        case failed(String)
        case finished
    }

    /// Validates the metadata and descriptors, lays out the file and writes its header.
    ///
    /// - Throws: ``GGUFError/invalidMetadata(path:key:reason:)`` for empty keys, mistyped or too
    ///   deeply nested arrays, or a `general.alignment` that is not a uint32 power of two;
    ///   ``GGUFError/invalidTensorDescriptor(path:name:problem:)`` and
    ///   ``GGUFError/duplicateTensorDescriptor(path:name:)`` for bad tensors;
    ///   ``GGUFError/fileSystem(path:reason:)`` when the output cannot be created.
    public init(path: String, metadata: GGUFMetadata, tensors: [GGUFTensorDescriptor]) throws {
        self.path = path
        alignment = try MetadataValidation.validate(metadata, path: path)
        tensorInfos = try Self.layOut(tensors, alignment: alignment, path: path)

        var encoder = GGUFEncoder()
        encoder.appendHeader(tensorCount: tensorInfos.count, keyValueCount: metadata.count)
        for (key, value) in metadata { encoder.append(key: key, value: value) }
        for info in tensorInfos { encoder.append(tensor: info) }
        let headerBytes = encoder.bytes.count
        guard let dataStart = GGUFFormat.alignUp(headerBytes, to: alignment) else {
            throw GGUFError.writerMisuse(path: path, reason: "header of \(headerBytes) bytes is too large to align")
        }
        dataOffset = dataStart

        do {
            let file = try AtomicOutputFile(path: path, directIO: true)
            try file.write(encoder.bytes)
            try file.writeZeros(dataStart - headerBytes)
            output = file
        } catch {
            throw GGUFError.fileSystem(path: path, reason: FileSupportError.detail(of: error))
        }
    }

    /// Writes one whole tensor, the next one in descriptor order.
    public func writeTensorData(_ bytes: UnsafeRawBufferPointer) throws {
        try beginTensor()
        try appendTensorBytes(bytes)
        try endTensor()
    }

    /// Starts the next tensor, whose bytes then arrive through ``appendTensorBytes(_:)``.
    public func beginTensor() throws {
        try checkUsable()
        guard case .betweenTensors = state else {
            throw fail(.writerMisuse(path: path, reason: "beginTensor called while tensor '\(currentName)' is still open"))
        }
        guard tensorsWritten < tensorInfos.count else {
            throw fail(.writerMisuse(path: path, reason: "all \(tensorInfos.count) tensors were already written"))
        }
        state = .inTensor(received: 0)
    }

    /// Appends bytes to the open tensor. Giving a tensor more bytes than it holds is an error.
    public func appendTensorBytes(_ bytes: UnsafeRawBufferPointer) throws {
        try checkUsable()
        guard case let .inTensor(received) = state else {
            throw fail(.writerMisuse(path: path, reason: "appendTensorBytes called with no tensor open"))
        }
        let info = tensorInfos[tensorsWritten]
        let (total, overflow) = received.addingReportingOverflow(bytes.count)
        guard !overflow, total <= info.byteCount else {
            throw fail(.tensorSizeMismatch(path: path, name: info.name, expected: info.byteCount,
                                           received: overflow ? Int.max : total))
        }
        try writeOrFail { try $0.write(bytes) }
        state = .inTensor(received: total)
    }

    /// Closes the open tensor after checking it received exactly its byte count, and pads
    /// to the alignment so the next tensor starts where its info says.
    public func endTensor() throws {
        try checkUsable()
        guard case let .inTensor(received) = state else {
            throw fail(.writerMisuse(path: path, reason: "endTensor called with no tensor open"))
        }
        let info = tensorInfos[tensorsWritten]
        guard received == info.byteCount else {
            throw fail(.tensorSizeMismatch(path: path, name: info.name, expected: info.byteCount, received: received))
        }
        // Sizes were checked against overflow when the layout was computed.
        let padded = GGUFFormat.alignUp(info.byteCount, to: alignment) ?? info.byteCount
        try writeOrFail { try $0.writeZeros(padded - info.byteCount) }
        tensorsWritten += 1
        state = .betweenTensors
    }

    /// Checks every tensor was written, then moves the file into place at ``path``.
    public func finish() throws {
        let file = try complete()
        do {
            try file.commit()
        } catch {
            throw GGUFError.fileSystem(path: path, reason: "\(error)")
        }
    }

    /// Checks every tensor was written and closes the file without moving it into place; the
    /// caller commits it (with other parts of the same model, for split files) or drops it.
    func complete() throws -> AtomicOutputFile {
        try checkUsable()
        guard case .betweenTensors = state, tensorsWritten == tensorInfos.count else {
            let open = if case .inTensor = state { " (tensor '\(currentName)' is still open)" } else { "" }
            throw fail(.writerMisuse(path: path,
                                     reason: "finish called after \(tensorsWritten) of \(tensorInfos.count) tensors\(open)"))
        }
        guard let file = output else { throw fail(.writerMisuse(path: path, reason: "the output file is closed")) }
        try writeOrFail { try $0.close() }
        output = nil
        state = .finished
        return file
    }

    /// Abandons the file: deletes the temporary output now rather than when the writer is released.
    public func discard() {
        output?.discard()
        output = nil
        if case .finished = state { return }
        state = .failed("the writer was discarded")
    }

    // MARK: - Internals

    private var currentName: String {
        tensorsWritten < tensorInfos.count ? tensorInfos[tensorsWritten].name : "?"
    }

    private func checkUsable() throws {
        switch state {
        case let .failed(reason):
            throw GGUFError.writerMisuse(path: path, reason: "the writer cannot continue: \(reason)")
        case .finished:
            throw GGUFError.writerMisuse(path: path, reason: "the file was already finished")
        case .betweenTensors, .inTensor:
            break
        }
    }

    /// Records a failure, deletes the partial output and returns the error to throw.
    private func fail(_ error: GGUFError) -> GGUFError {
        output?.discard()
        output = nil
        state = .failed(error.description)
        return error
    }

    private func writeOrFail(_ body: (AtomicOutputFile) throws -> Void) throws {
        guard let output else { throw fail(.writerMisuse(path: path, reason: "the output file is closed")) }
        do {
            try body(output)
        } catch {
            throw fail(.fileSystem(path: path, reason: FileSupportError.detail(of: error)))
        }
    }

    /// Validates descriptors and assigns each tensor an aligned offset in the data section.
    private static func layOut(_ descriptors: [GGUFTensorDescriptor], alignment: Int,
                               path: String) throws(GGUFError) -> [GGUFTensorInfo] {
        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(descriptors.count)
        var seen = Set<String>()
        var nextOffset = 0
        for descriptor in descriptors {
            guard seen.insert(descriptor.name).inserted else {
                throw .duplicateTensorDescriptor(path: path, name: descriptor.name)
            }
            let size: TensorSize
            switch TensorShape.validate(name: descriptor.name, dimensions: descriptor.dimensions, type: descriptor.type) {
            case let .valid(valid): size = valid
            case let .invalid(problem):
                throw .invalidTensorDescriptor(path: path, name: descriptor.name, problem: problem)
            }
            let info = GGUFTensorInfo(name: descriptor.name, dimensions: descriptor.dimensions,
                                      type: descriptor.type, offset: nextOffset, size: size)
            let (end, overflow) = nextOffset.addingReportingOverflow(size.byteCount)
            guard !overflow, let aligned = GGUFFormat.alignUp(end, to: alignment) else {
                throw .invalidTensorDescriptor(path: path, name: descriptor.name, problem: .byteCountOverflow)
            }
            infos.append(info)
            nextOffset = aligned
        }
        return infos
    }
}
