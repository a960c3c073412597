import Foundation
import GGUF
import SafeTensors

/// Writes the planned tensors as `model.safetensors`, or as numbered shards plus
/// `model.safetensors.index.json` when they exceed the shard limit.
struct WeightsWriter {
    var dtype: ExportDType
    var maxShardBytes: Int
    var dequantizer: TensorDequantizer
    var log: @Sendable (String) -> Void

    static let singleFileName = "model.safetensors"
    static let indexFileName = "model.safetensors.index.json"

    struct Result {
        var shardNames: [String]
        var tensorBytes: Int
        var files: [String]
    }

    /// Greedy, in checkpoint order: a shard closes when the next tensor would push it past the
    /// limit; a tensor larger than the limit gets a shard of its own.
    func shards(of tensors: [ExportTensor]) -> [[ExportTensor]] {
        var shards: [[ExportTensor]] = []
        var current: [ExportTensor] = []
        var currentBytes = 0
        for tensor in tensors {
            let size = tensor.byteCount(dtype)
            if !current.isEmpty, size > maxShardBytes - currentBytes {
                shards.append(current)
                current = []
                currentBytes = 0
            }
            current.append(tensor)
            currentBytes += size
        }
        if !current.isEmpty { shards.append(current) }
        return shards
    }

    func write(_ tensors: [ExportTensor], from file: GGUFFile, into directory: String) throws -> Result {
        let groups = shards(of: tensors)
        let names = groups.count == 1 ? [Self.singleFileName]
            : (1 ... groups.count).map { String(format: "model-%05d-of-%05d.safetensors", $0, groups.count) }
        var total = 0
        for (group, name) in zip(groups, names) {
            let bytes = group.reduce(0) { $0 + $1.byteCount(dtype) }
            log("writing \(name): \(group.count) tensors, \(bytes) bytes of \(dtype.rawValue)")
            try writeShard(group, from: file, to: Self.join(directory, name))
            total += bytes
        }
        var files = names
        if groups.count > 1 {
            try writeIndex(groups: groups, names: names, totalBytes: total, to: Self.join(directory, Self.indexFileName))
            files.append(Self.indexFileName)
        }
        return Result(shardNames: names, tensorBytes: total, files: files)
    }

    private func writeShard(_ tensors: [ExportTensor], from file: GGUFFile, to path: String) throws {
        var writer = SafeTensorsWriter()
        let dtype = self.dtype
        let dequantizer = self.dequantizer
        for tensor in tensors {
            writer.add(name: tensor.huggingFaceName, dtype: dtype.safeTensorsDType, shape: tensor.shape,
                       byteCount: tensor.byteCount(dtype)) { emit in
                let data = file.data(for: tensor.source)
                try dequantizer.produce(tensor, data: data, dtype: dtype, path: file.path, emit: emit)
                // The mapped pages are not needed again; dropping them keeps resident memory flat.
                file.advise(tensor.source, willNeed: false)
            }
        }
        do {
            try writer.write(to: path, metadata: ["format": "pt"])
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError.cannotWrite(path: path, reason: "\(error)")
        }
    }

    /// Transformers' index layout: total data size, then tensor name → shard, sorted by name.
    private func writeIndex(groups: [[ExportTensor]], names: [String], totalBytes: Int, to path: String) throws {
        var map: [(String, JSONText)] = []
        for (group, name) in zip(groups, names) {
            for tensor in group { map.append((tensor.huggingFaceName, .string(name))) }
        }
        map.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        let index = JSONText.object([
            ("metadata", .object([("total_size", .int(totalBytes))])),
            ("weight_map", .object(map)),
        ])
        try OutputFolder.writeFile(index.serialized(), to: path)
    }

    static func join(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }
}
