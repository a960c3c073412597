import FileSupport
import GGUF

extension ImportanceMatrix {
    /// Writes the matrix in llama-imatrix's GGUF format, laid out as llama-imatrix lays it out:
    /// `general.type`, `imatrix.datasets`, `imatrix.chunk_count`, `imatrix.chunk_size`, then
    /// for each entry in ``names`` order an F32 `<name>.in_sum2` of shape `[columns, matrices]`
    /// followed by an F32 `<name>.counts` of shape `[1, matrices]` (trailing 1s dropped, as
    /// ggml does).
    ///
    /// The file appears at `path` only once complete; on any error nothing is left behind.
    ///
    /// - Throws: ``ImportanceMatrixError/cannotWrite(path:reason:)`` when there are no entries,
    ///   a name is empty, or a chunk figure is outside `0 ... Int32.max` (the range llama.cpp
    ///   reads back); ``ImportanceMatrixError/container(_:)`` for names too long for GGUF and
    ///   file-system failures.
    public func write(to path: String) throws(ImportanceMatrixError) {
        guard !entries.isEmpty else { throw .cannotWrite(path: path, reason: "there are no entries") }
        guard entries[""] == nil else { throw .cannotWrite(path: path, reason: "an entry has an empty name") }
        for (key, value) in [(ImatrixKey.chunkCount, chunkCount), (ImatrixKey.chunkSize, chunkSize)]
            where !(0 ... Int(Int32.max)).contains(value) {
            throw .cannotWrite(path: path, reason: "\(key) \(value) is outside 0 ... \(Int32.max)")
        }

        let metadata = GGUFMetadata([
            (GGUFKey.type, .string(Self.generalType)),
            (ImatrixKey.datasets, .strings(datasets)),
            (ImatrixKey.chunkCount, .uint32(UInt32(chunkCount))),
            (ImatrixKey.chunkSize, .uint32(UInt32(chunkSize))),
        ])
        let ordered = names.map { ($0, entries[$0]!) }
        var descriptors: [GGUFTensorDescriptor] = []
        for (name, entry) in ordered {
            let matrices = entry.matrixCount > 1 ? [entry.matrixCount] : []
            descriptors.append(GGUFTensorDescriptor(name: name + ImatrixKey.sumsSuffix,
                                                    dimensions: [entry.columns] + matrices, type: .f32))
            descriptors.append(GGUFTensorDescriptor(name: name + ImatrixKey.countsSuffix,
                                                    dimensions: [1] + matrices, type: .f32))
        }

        do {
            let writer = try GGUFWriter(path: path, metadata: metadata, tensors: descriptors)
            for (_, entry) in ordered {
                try Self.writeFloats(entry.sums, to: writer)
                try Self.writeFloats(entry.counts, to: writer)
            }
            try writer.finish()
        } catch let error as GGUFError {
            throw .container(error)
        } catch {
            throw .cannotWrite(path: path, reason: FileSupportError.detail(of: error))
        }
    }

    private static func writeFloats(_ values: [Float], to writer: GGUFWriter) throws {
        let littleEndian = values.map { $0.bitPattern.littleEndian }
        try littleEndian.withUnsafeBytes { try writer.writeTensorData($0) }
    }
}
