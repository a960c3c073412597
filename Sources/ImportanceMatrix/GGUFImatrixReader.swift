import GGUF

/// Reads the GGUF importance-matrix format: `imatrix.*` metadata and, per entry, an F32
/// `<name>.in_sum2` tensor `[columns, n]` with an F32 `<name>.counts` tensor `[1, n]`.
///
/// The container is parsed and validated by ``GGUFFile``; this layer checks what llama.cpp's
/// loader assumes without checking: that partners exist, types are F32, shapes agree and
/// the numbers are usable.
enum GGUFImatrixReader {
    static func read(path: String) throws(ImportanceMatrixError) -> ImportanceMatrix {
        let file: GGUFFile
        do {
            file = try GGUFFile(path: path)
        } catch let error as GGUFError {
            throw .container(error)
        } catch {
            throw .fileSystem(path: path, reason: "\(error)")
        }

        if let type = file.metadata[GGUFKey.type], type != .string(ImportanceMatrix.generalType) {
            throw .notAnImportanceMatrix(path: path, generalType: describe(type))
        }
        let datasets = try strings(ImatrixKey.datasets, in: file)
        let chunkCount = try count(ImatrixKey.chunkCount, in: file)
        let chunkSize = try count(ImatrixKey.chunkSize, in: file)

        var sums: [String: GGUFTensorInfo] = [:]
        var counts: [String: GGUFTensorInfo] = [:]
        for info in file.tensors {
            // Other tensors are ignored, as llama.cpp does.
            if let base = baseName(info.name, suffix: ImatrixKey.sumsSuffix) {
                sums[base] = info
            } else if let base = baseName(info.name, suffix: ImatrixKey.countsSuffix) {
                counts[base] = info
            }
        }

        var entries: [String: ImportanceMatrix.Entry] = [:]
        let bases = Set(sums.keys).union(counts.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for base in bases {
            guard let sumsInfo = sums[base] else {
                throw .missingPartner(path: path, tensor: base + ImatrixKey.countsSuffix, missing: base + ImatrixKey.sumsSuffix)
            }
            guard let countsInfo = counts[base] else {
                throw .missingPartner(path: path, tensor: base + ImatrixKey.sumsSuffix, missing: base + ImatrixKey.countsSuffix)
            }
            entries[base] = try entry(base, sums: sumsInfo, counts: countsInfo, in: file)
        }
        guard !entries.isEmpty else { throw .noEntries(path: path) }
        return ImportanceMatrix(datasets: datasets, chunkCount: chunkCount, chunkSize: chunkSize, entries: entries)
    }

    private static func entry(_ base: String, sums: GGUFTensorInfo, counts: GGUFTensorInfo,
                              in file: GGUFFile) throws(ImportanceMatrixError) -> ImportanceMatrix.Entry {
        for info in [sums, counts] where info.type != .f32 {
            throw .wrongTensorType(path: file.path, tensor: info.name, type: info.type.name)
        }
        // ggml drops trailing dimensions of 1 when writing, so [c, 1] arrives as [c].
        let countDims = counts.dimensions, sumDims = sums.dimensions
        let matrices = countDims.count > 1 ? countDims[1] : 1
        let rows = sumDims.count > 1 ? sumDims[1] : 1
        guard countDims[0] == 1, countDims.dropFirst(2).allSatisfy({ $0 == 1 }),
              sumDims.dropFirst(2).allSatisfy({ $0 == 1 }), rows == matrices
        else {
            throw .shapeMismatch(path: file.path, entry: base, sums: sumDims, counts: countDims)
        }

        let sumValues = floats(of: sums, in: file)
        let countValues = floats(of: counts, in: file)
        if let index = sumValues.firstIndex(where: { !ImportanceMatrix.Entry.isValidSum($0) }) {
            throw .invalidValue(path: file.path, tensor: sums.name, offset: offset(of: index, in: sums, file),
                                index: index, value: sumValues[index])
        }
        if let index = countValues.firstIndex(where: { !ImportanceMatrix.Entry.isValidCount($0) }) {
            throw .invalidCount(path: file.path, tensor: counts.name, offset: offset(of: index, in: counts, file),
                                index: index, value: countValues[index])
        }
        return ImportanceMatrix.Entry(validatedColumns: sumDims[0], sums: sumValues, counts: countValues)
    }

    private static func strings(_ key: String, in file: GGUFFile) throws(ImportanceMatrixError) -> [String] {
        guard let value = file.metadata[key] else { throw .missingMetadata(path: file.path, key: key) }
        guard case let .array(.string, elements) = value else {
            throw .invalidMetadata(path: file.path, key: key, found: describe(value), expected: "an array of strings")
        }
        return elements.compactMap(\.stringValue)
    }

    /// llama.cpp reads these as uint32 into an `int32_t`, so larger values turn negative there.
    private static func count(_ key: String, in file: GGUFFile) throws(ImportanceMatrixError) -> Int {
        guard let value = file.metadata[key] else { throw .missingMetadata(path: file.path, key: key) }
        guard case let .uint32(raw) = value, raw <= UInt32(Int32.max) else {
            throw .invalidMetadata(path: file.path, key: key, found: describe(value),
                                   expected: "a uint32 no larger than \(Int32.max)")
        }
        return Int(raw)
    }

    /// `name` without `suffix`, compared byte for byte as llama.cpp does; `nil` when the
    /// name does not end with it or nothing would be left.
    static func baseName(_ name: String, suffix: String) -> String? {
        let bytes = Array(name.utf8), tail = Array(suffix.utf8)
        guard bytes.count > tail.count, bytes.suffix(tail.count).elementsEqual(tail) else { return nil }
        return String(decoding: bytes.dropLast(tail.count), as: UTF8.self)
    }

    /// The tensor's F32 values; the GGUF reader has already checked they lie inside the file.
    private static func floats(of info: GGUFTensorInfo, in file: GGUFFile) -> [Float] {
        let bytes = file.data(for: info)
        return (0 ..< info.elementCount).map { index in
            Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        }
    }

    private static func offset(of index: Int, in info: GGUFTensorInfo, _ file: GGUFFile) -> Int {
        file.dataOffset + info.offset + index * 4
    }

    static func describe(_ value: GGUFValue) -> String {
        switch value {
        case let .string(text): return "\"\(text.prefix(40))\""
        case let .array(type, elements): return "an array of \(elements.count) \(type.name)"
        default: return "\(value.type.name) \(value.intValue.map(String.init) ?? value.doubleValue.map { "\($0)" } ?? "?")"
        }
    }
}
