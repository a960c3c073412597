import FileSupport

/// Reads llama-imatrix's legacy `.dat` format, all little-endian:
///
///     int32 entry count
///     per entry: int32 name length, name bytes, int32 call count, int32 value count,
///                value count × float32 values
///     optional trailer: int32 chunk count, then int32 dataset-name length and its bytes
///
/// The values are `sum / tokens × calls` (averages scaled by the call count), which is why
/// an entry keeps its call count as its one count: dividing by it, as llama-quantize does,
/// gives the averages back.
struct LegacyImatrixReader {
    private let path: String
    private var reader: ByteReader

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.path = path
        reader = ByteReader(bytes)
    }

    mutating func read() throws(ImportanceMatrixError) -> ImportanceMatrix {
        let countOffset = reader.offset
        let count = try int32("entry count")
        guard count >= 1 else { throw .invalidField(path: path, offset: countOffset, what: "entry count", value: Int64(count)) }

        var entries: [String: ImportanceMatrix.Entry] = [:]
        for index in 0 ..< Int(count) {
            let entryOffset = reader.offset
            guard let name = try string("name of entry \(index)"), !name.isEmpty else {
                throw .invalidField(path: path, offset: entryOffset, what: "name length of entry \(index)", value: 0)
            }
            guard entries[name] == nil else { throw .duplicateEntry(path: path, offset: entryOffset, tensor: name) }
            let calls = try positiveInt32("call count of '\(name)'")
            let values = try floats(count: positiveInt32("value count of '\(name)'"), of: name)
            entries[name] = ImportanceMatrix.Entry(validatedColumns: values.count, sums: values, counts: [Float(calls)])
        }

        var matrix = ImportanceMatrix(entries: entries)
        // Older llama-imatrix builds wrote no trailer, or only the chunk count.
        guard reader.remaining > 0 else { return matrix }
        let chunksOffset = reader.offset
        let chunks = try int32("chunk count")
        guard chunks >= 0 else { throw .invalidField(path: path, offset: chunksOffset, what: "chunk count", value: Int64(chunks)) }
        matrix.chunkCount = Int(chunks)
        guard reader.remaining > 0 else { return matrix }
        if let dataset = try string("dataset name"), !dataset.isEmpty {
            matrix.datasets = [dataset]
        }
        guard reader.remaining == 0 else {
            throw .trailingBytes(path: path, offset: reader.offset, count: reader.remaining)
        }
        return matrix
    }

    private mutating func int32(_ what: String) throws(ImportanceMatrixError) -> Int32 {
        let offset = reader.offset
        guard let value = reader.read(Int32.self) else {
            throw .truncated(path: path, offset: offset, needed: 4, what: what)
        }
        return value
    }

    private mutating func positiveInt32(_ what: String) throws(ImportanceMatrixError) -> Int {
        let offset = reader.offset
        let value = try int32(what)
        guard value >= 1 else { throw .invalidField(path: path, offset: offset, what: what, value: Int64(value)) }
        return Int(value)
    }

    /// A length-prefixed string, or `nil` when the length is 0. llama.cpp reads these as C
    /// strings, so a NUL byte would silently cut the name short there; it is refused here.
    private mutating func string(_ what: String) throws(ImportanceMatrixError) -> String? {
        let lengthOffset = reader.offset
        let length = try int32("length of \(what)")
        guard length >= 0 else {
            throw .invalidField(path: path, offset: lengthOffset, what: "length of \(what)", value: Int64(length))
        }
        guard length > 0 else { return nil }
        let start = reader.offset
        guard let bytes = reader.readBytes(Int(length)) else {
            throw .pastEnd(path: path, offset: lengthOffset, what: what, length: Int(length), fileSize: reader.bytes.count)
        }
        if let bad = firstInvalidUTF8Offset(bytes) ?? bytes.firstIndex(of: 0) {
            throw .invalidString(path: path, offset: start + bad, what: what)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func floats(count: Int, of name: String) throws(ImportanceMatrixError) -> [Float] {
        let lengthOffset = reader.offset - 4
        let start = reader.offset
        guard let bytes = reader.readBytes(count * 4) else {
            throw .pastEnd(path: path, offset: lengthOffset, what: "values of '\(name)'", length: count * 4,
                           fileSize: reader.bytes.count)
        }
        var values: [Float] = []
        values.reserveCapacity(count)
        for index in 0 ..< count {
            let value = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            guard ImportanceMatrix.Entry.isValidSum(value) else {
                throw .invalidValue(path: path, tensor: name, offset: start + index * 4, index: index, value: value)
            }
            values.append(value)
        }
        return values
    }
}
