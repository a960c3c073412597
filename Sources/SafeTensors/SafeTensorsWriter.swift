import FileSupport

/// Writes a safetensors file, tensors in the order they were added.
///
/// The output appears atomically: bytes go to a temporary file that is renamed into
/// place only after everything was written, so a failed export never leaves a truncated
/// file that a later run might load. The header is padded with spaces to a multiple of
/// 8 bytes so the data section starts 8-byte aligned.
public struct SafeTensorsWriter {
    /// Receives a tensor's bytes in one or more pieces.
    public typealias Emit = (UnsafeRawBufferPointer) throws -> Void
    /// Produces a tensor's bytes on demand by calling `emit`, so large tensors need not be
    /// held in memory all at once.
    public typealias Producer = (_ emit: Emit) throws -> Void

    private enum Source {
        case bytes([UInt8])
        case producer(byteCount: Int, Producer)
    }

    private struct Pending {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let source: Source
    }

    private var pending: [Pending] = []

    public init() {}

    /// Number of tensors added so far.
    public var count: Int { pending.count }

    /// Adds a tensor whose bytes are already in memory (little-endian element order).
    /// Shape and byte count are checked by ``write(to:metadata:)``.
    public mutating func add(name: String, dtype: SafeTensorsDType, shape: [Int], data: [UInt8]) {
        pending.append(Pending(name: name, dtype: dtype, shape: shape, source: .bytes(data)))
    }

    /// Adds a tensor whose `byteCount` bytes are produced while the file is written.
    /// The producer must emit exactly `byteCount` bytes in total.
    public mutating func add(name: String, dtype: SafeTensorsDType, shape: [Int], byteCount: Int,
                             producer: @escaping Producer) {
        pending.append(Pending(name: name, dtype: dtype, shape: shape, source: .producer(byteCount: byteCount, producer)))
    }

    /// Validates every tensor, then writes the file.
    ///
    /// Throws ``SafeTensorsError`` for invalid tensors and I/O failures; an error thrown
    /// by a producer is passed through unchanged. Either way nothing appears at `path`.
    public func write(to path: String, metadata: [String: String] = [:]) throws {
        let sizes = try validatedByteCounts(path: path)
        let header = encodeHeader(byteCounts: sizes, metadata: metadata)
        let output: AtomicOutputFile
        do {
            output = try AtomicOutputFile(path: path)
        } catch {
            throw SafeTensorsError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
        }
        do {
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try output.write($0) }
            try output.write(header)
        } catch {
            throw SafeTensorsError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
        }
        for (tensor, size) in zip(pending, sizes) {
            switch tensor.source {
            case let .bytes(bytes):
                do { try output.write(bytes) } catch {
                    throw SafeTensorsError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
                }
            case let .producer(_, producer):
                try run(producer, expecting: size, tensor: tensor.name, into: output, path: path)
            }
        }
        do { try output.commit() } catch {
            throw SafeTensorsError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
        }
    }

    private func run(_ producer: Producer, expecting size: Int, tensor: String, into output: AtomicOutputFile,
                     path: String) throws {
        var emitted = 0
        try producer { piece in
            guard piece.count <= size - emitted else {
                throw SafeTensorsError.invalidTensorToWrite(
                    path: path, tensor: tensor, reason: "producer emitted more than the declared \(size) bytes")
            }
            emitted += piece.count
            do { try output.write(piece) } catch {
                throw SafeTensorsError.cannotWrite(path: path, reason: FileSupportError.detail(of: error))
            }
        }
        guard emitted == size else {
            throw SafeTensorsError.invalidTensorToWrite(
                path: path, tensor: tensor, reason: "producer emitted \(emitted) bytes, expected \(size)")
        }
    }

    /// Checks names, shapes and sizes before any byte is written.
    private func validatedByteCounts(path: String) throws(SafeTensorsError) -> [Int] {
        var seen = Set<String>()
        var sizes: [Int] = []
        sizes.reserveCapacity(pending.count)
        var total = 0
        for tensor in pending {
            guard tensor.name != "__metadata__" else {
                throw .invalidTensorToWrite(path: path, tensor: tensor.name, reason: "the name is reserved")
            }
            guard seen.insert(tensor.name).inserted else {
                throw .duplicateTensorToWrite(path: path, tensor: tensor.name)
            }
            var elements = 1
            for dimension in tensor.shape {
                guard dimension >= 0 else {
                    throw .invalidTensorToWrite(path: path, tensor: tensor.name,
                                                reason: "shape \(tensor.shape) has a negative dimension")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
                guard !overflow else {
                    throw .invalidTensorToWrite(path: path, tensor: tensor.name,
                                                reason: "shape \(tensor.shape) has too many elements")
                }
                elements = product
            }
            let (expected, overflow) = elements.multipliedReportingOverflow(by: tensor.dtype.byteSize)
            guard !overflow else {
                throw .invalidTensorToWrite(path: path, tensor: tensor.name,
                                            reason: "shape \(tensor.shape) has too many bytes")
            }
            let given: Int
            switch tensor.source {
            case let .bytes(bytes): given = bytes.count
            case let .producer(byteCount, _): given = byteCount
            }
            guard given == expected else {
                throw .invalidTensorToWrite(path: path, tensor: tensor.name,
                                            reason: "\(given) bytes given, shape \(tensor.shape) of "
                                                + "\(tensor.dtype.rawValue) needs \(expected)")
            }
            guard !total.addingReportingOverflow(expected).overflow else {
                throw .invalidTensorToWrite(path: path, tensor: tensor.name, reason: "total data size overflows")
            }
            total += expected
            sizes.append(expected)
        }
        return sizes
    }

    private func encodeHeader(byteCounts: [Int], metadata: [String: String]) -> [UInt8] {
        var header: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        if !metadata.isEmpty {
            HeaderEncoding.appendMetadata(metadata, to: &header)
            first = false
        }
        var offset = 0
        for (tensor, size) in zip(pending, byteCounts) {
            if !first { header.append(UInt8(ascii: ",")) }
            first = false
            let end = offset + size // validatedByteCounts checked that the running total fits
            HeaderEncoding.appendEntry(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape,
                                       begin: offset, end: end, to: &header)
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        return header
    }
}
