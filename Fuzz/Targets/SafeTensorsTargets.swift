import Foundation
import SafeTensors

/// A single `.safetensors` file: the 8-byte length, the JSON header, the data offsets.
public enum SafeTensorsHeaderTarget: FuzzTarget {
    public static let name = "safetensors-header"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let path = try scratch.write(input, as: "model.safetensors")
        let file = try SafeTensorsFile(path: path)
        for info in file.tensors {
            touch(file.data(for: info))
        }
    }
}

/// `model.safetensors.index.json` beside two valid shards: shard names, the weight map, and
/// the agreement between the index and the shards' own headers.
public enum SafeTensorsIndexTarget: FuzzTarget {
    public static let name = "safetensors-index"
    static let shardNames = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let folder = scratch.folder + "/index"
        if !FileManager.default.fileExists(atPath: folder + "/" + shardNames[1]) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try writeShards(to: folder)
        }
        try Data(input).write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))
        let checkpoint = try SafeTensorsCheckpoint(directory: folder)
        for name in checkpoint.tensorNames {
            if let file = checkpoint.file(containing: name), let info = file.info(named: name) {
                touch(file.data(for: info))
            }
        }
    }

    /// The shards the seed index describes: two F32 tensors in the first, one BF16 in the second.
    static func writeShards(to folder: String) throws {
        var first = SafeTensorsWriter()
        first.add(name: "a.weight", dtype: .f32, shape: [2, 2], data: [UInt8](repeating: 0x3f, count: 16))
        first.add(name: "b.weight", dtype: .f32, shape: [3], data: [UInt8](repeating: 0x40, count: 12))
        try first.write(to: folder + "/" + shardNames[0])
        var second = SafeTensorsWriter()
        second.add(name: "c.weight", dtype: .bf16, shape: [4], data: [UInt8](repeating: 0x3f, count: 8))
        try second.write(to: folder + "/" + shardNames[1])
    }
}

/// Reads every byte so the address sanitizer sees any view that runs past its mapping.
@inline(never)
func touch(_ bytes: UnsafeRawBufferPointer) {
    var sum: UInt8 = 0
    for byte in bytes { sum &+= byte }
    blackHole(sum)
}

@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
