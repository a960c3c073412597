/// A tensor info as read from a file, before its data placement has been checked.
struct TensorInfoEntry {
    let name: String
    let dimensions: [Int]
    let type: GGMLType
    let size: TensorSize
    /// Offset relative to the data section, exactly as stored.
    let dataOffset: UInt64
    /// Where the info entry starts in the file, for error messages.
    let entryOffset: Int
    /// Where the info's data-offset field is in the file.
    let offsetFieldOffset: Int
}

/// Checks that tensor data is aligned, inside the file and non-overlapping.
enum TensorLayoutValidation {
    static func place(_ entries: [TensorInfoEntry], dataOffset: Int, alignment: Int,
                      fileSize: Int, path: String) throws(GGUFError) -> [GGUFTensorInfo] {
        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(entries.count)
        for entry in entries {
            guard entry.dataOffset % UInt64(alignment) == 0 else {
                throw .misalignedTensorOffset(path: path, offset: entry.offsetFieldOffset, name: entry.name,
                                              tensorOffset: entry.dataOffset, alignment: alignment)
            }
            // Compared as UInt64 so a hostile offset cannot overflow Int on the way.
            let start = UInt64(dataOffset).addingReportingOverflow(entry.dataOffset)
            let end = start.partialValue.addingReportingOverflow(UInt64(entry.size.byteCount))
            guard !start.overflow, !end.overflow, end.partialValue <= UInt64(fileSize) else {
                throw .tensorDataPastEnd(path: path, offset: entry.entryOffset, name: entry.name,
                                         start: start.overflow ? UInt64.max : start.partialValue,
                                         length: entry.size.byteCount, fileSize: fileSize)
            }
            infos.append(GGUFTensorInfo(name: entry.name, dimensions: entry.dimensions, type: entry.type,
                                        offset: Int(entry.dataOffset), size: entry.size))
        }
        try checkNoOverlap(infos, entries: entries, path: path)
        return infos
    }

    /// Sorting by offset makes any overlap show up between neighbours.
    private static func checkNoOverlap(_ infos: [GGUFTensorInfo], entries: [TensorInfoEntry],
                                       path: String) throws(GGUFError) {
        let order = infos.indices.sorted { (infos[$0].offset, $0) < (infos[$1].offset, $1) }
        for (previous, current) in zip(order, order.dropFirst()) {
            let previousEnd = infos[previous].offset + infos[previous].byteCount
            guard infos[current].offset >= previousEnd else {
                throw .overlappingTensors(path: path, offset: entries[current].entryOffset,
                                          name: infos[current].name, other: infos[previous].name)
            }
        }
    }
}
