import FileSupport
import GGUF

extension ImportanceMatrix {
    /// Reads an importance matrix in either of llama-imatrix's formats, told apart by the
    /// first four bytes: GGUF (`GGUF` magic; the default since 2025) or the legacy `.dat`
    /// format, which starts with a little-endian entry count.
    ///
    /// Every size, count and value in the file is checked; nothing is trusted. Unlike
    /// llama.cpp, which skips some of these checks, a file that would make llama-quantize
    /// misbehave is refused here.
    ///
    /// - Throws: ``ImportanceMatrixError``, naming the file, the tensor and, for the legacy
    ///   format, the byte offset of the offending field.
    public init(contentsOf path: String) throws(ImportanceMatrixError) {
        let mapping: MappedFile
        do {
            mapping = try MappedFile(path: path)
        } catch let error as FileSupportError {
            switch error {
            case let .cannotOpen(_, reason): throw .fileSystem(path: path, reason: "cannot open: \(reason)")
            case let .cannotMap(_, reason): throw .fileSystem(path: path, reason: "cannot memory-map: \(reason)")
            default: throw .fileSystem(path: path, reason: error.description)
            }
        } catch {
            throw .fileSystem(path: path, reason: "\(error)")
        }
        let bytes = mapping.bytes
        if bytes.count >= GGUFFormat.magic.count, bytes.prefix(GGUFFormat.magic.count).elementsEqual(GGUFFormat.magic) {
            self = try GGUFImatrixReader.read(path: path)
        } else {
            var reader = LegacyImatrixReader(bytes: bytes, path: path)
            self = try reader.read()
        }
    }
}
