import Foundation
import GGUF
import ImportanceMatrix
import TestSupport

/// Hand-assembles a legacy `.dat` importance matrix, including malformed ones.
struct LegacyBytes {
    var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func i32(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f32(_ value: Float) { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ value: [UInt8]) { bytes += value }
    mutating func string(_ value: String) {
        i32(Int32(value.utf8.count))
        raw(Array(value.utf8))
    }

    /// One entry as llama-imatrix writes it.
    mutating func entry(_ name: String, calls: Int32, values: [Float]) {
        string(name)
        i32(calls)
        i32(Int32(values.count))
        for value in values { f32(value) }
    }

    /// The trailer: the chunk count and the dataset name.
    mutating func trailer(chunks: Int32, dataset: String) {
        i32(chunks)
        string(dataset)
    }
}

/// Writes a GGUF file with arbitrary F32 (or other) tensors, bypassing ``ImportanceMatrix``'s
/// own checks so tests can build files it would never write.
struct GGUFTensorSpec {
    var name: String
    var dimensions: [Int]
    var type: GGMLType = .f32
    var floats: [Float]

    var bytes: [UInt8] {
        if type == .f32 {
            return floats.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        }
        return [UInt8](repeating: 0, count: type.byteCount(elements: dimensions.reduce(1, *)) ?? 0)
    }
}

func imatrixMetadata(datasets: [String] = ["train.txt"], chunkCount: UInt32 = 4,
                     chunkSize: UInt32 = 128) -> GGUFMetadata {
    GGUFMetadata([
        (GGUFKey.type, .string("imatrix")),
        ("imatrix.datasets", .strings(datasets)),
        ("imatrix.chunk_count", .uint32(chunkCount)),
        ("imatrix.chunk_size", .uint32(chunkSize)),
    ])
}

/// A sums/counts pair for one entry, shaped as llama-imatrix shapes it.
func entryTensors(_ name: String, columns: Int, sums: [Float], counts: [Float]) -> [GGUFTensorSpec] {
    let matrices = counts.count > 1 ? [counts.count] : []
    return [
        GGUFTensorSpec(name: name + ".in_sum2", dimensions: [columns] + matrices, floats: sums),
        GGUFTensorSpec(name: name + ".counts", dimensions: [1] + matrices, floats: counts),
    ]
}

@discardableResult
func writeGGUF(_ path: String, metadata: GGUFMetadata = imatrixMetadata(), tensors: [GGUFTensorSpec]) throws -> String {
    let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors.map {
        GGUFTensorDescriptor(name: $0.name, dimensions: $0.dimensions, type: $0.type)
    })
    for tensor in tensors {
        try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) }
    }
    try writer.finish()
    return path
}

/// Deterministic non-negative sums (SplitMix64), never a global RNG.
func sampleSums(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in Float(generator.next() >> 40) / Float(1 << 24) * 1000 }
}

/// A small matrix with a dense entry, a three-expert entry (one expert never routed to)
/// and a non-ASCII name, to exercise ordering.
func sampleMatrix() throws -> ImportanceMatrix {
    try ImportanceMatrix(
        datasets: ["wiki.train.raw", "données.txt"], chunkCount: 7, chunkSize: 512,
        entries: [
            "blk.0.attn_q.weight": .init(columns: 8, sums: sampleSums(8, seed: 1), counts: [3584]),
            "blk.0.ffn_down_exps.weight": .init(columns: 4, sums: sampleSums(12, seed: 2), counts: [100, 0, 37]),
            "blk.1.ffn_up.weight": .init(columns: 16, sums: sampleSums(16, seed: 3), counts: [3584]),
            "blk.Ω.x.weight": .init(columns: 2, sums: [1, 2], counts: [1]),
        ])
}

/// Reads `path` and returns the error it is rejected with.
func readError(_ path: String) -> ImportanceMatrixError? {
    do {
        _ = try ImportanceMatrix(contentsOf: path)
        return nil
    } catch {
        return error
    }
}
