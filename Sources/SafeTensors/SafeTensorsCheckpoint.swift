import Foundation

/// All safetensors files of one model, addressed by tensor name.
///
/// Files are opened (mapped and header-validated) up front; tensor data stays on disk
/// until read. Tensors are ordered deterministically: files by name, then data offset.
public final class SafeTensorsCheckpoint: @unchecked Sendable {
    // @unchecked: immutable after init; the files it holds are themselves Sendable.

    /// The folder (or, for ``init(file:)``, the file) the checkpoint was opened from.
    public let location: String
    /// Sorted by file name.
    public let files: [SafeTensorsFile]
    /// Every tensor: file order, then data offset.
    public let tensors: [SafeTensorInfo]
    /// The names of ``tensors``, in the same order.
    public let tensorNames: [String]
    /// `__metadata__` of all files merged; where files disagree on a key the first file wins.
    public let metadata: [String: String]

    private let lookup: [String: (file: Int, tensor: SafeTensorInfo)]

    /// Opens a folder holding `model.safetensors`, or `model.safetensors.index.json` and
    /// the shards it names, or else every `*.safetensors` file in it.
    ///
    /// A single `model.safetensors` wins over an index, matching how Hugging Face loaders
    /// pick weights when both are present. With an index, every tensor it lists must be in
    /// the shard it names; tensors a shard holds beyond the index are kept too, as
    /// llama.cpp's converter does, since it reads whole shards.
    public convenience init(directory: String) throws(SafeTensorsError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notADirectory(path: directory)
        }
        let single = Self.join(directory, "model.safetensors")
        let indexPath = Self.join(directory, "model.safetensors.index.json")
        if FileManager.default.fileExists(atPath: single) {
            try self.init(location: directory, files: [SafeTensorsFile(path: single)])
        } else if FileManager.default.fileExists(atPath: indexPath) {
            let index = try ShardIndex(path: indexPath)
            let files = try Self.openShards(of: index, in: directory)
            try self.init(location: directory, files: files)
            try checkIndexPlacement(index, directory: directory)
        } else {
            let names = try Self.safetensorsFileNames(in: directory)
            guard !names.isEmpty else { throw .noSafeTensorsFiles(directory: directory) }
            try self.init(location: directory, files: names.map { name throws(SafeTensorsError) in
                try SafeTensorsFile(path: Self.join(directory, name))
            })
        }
    }

    /// Wraps a single safetensors file as a checkpoint.
    public convenience init(file path: String) throws(SafeTensorsError) {
        try self.init(location: path, files: [SafeTensorsFile(path: path)])
    }

    private init(location: String, files: [SafeTensorsFile]) throws(SafeTensorsError) {
        self.location = location
        self.files = files
        var lookup: [String: (file: Int, tensor: SafeTensorInfo)] = [:]
        var tensors: [SafeTensorInfo] = []
        var metadata: [String: String] = [:]
        for (fileIndex, file) in files.enumerated() {
            for tensor in file.tensors {
                if let earlier = lookup[tensor.name] {
                    throw .tensorInTwoShards(tensor: tensor.name, firstPath: files[earlier.file].path,
                                             secondPath: file.path)
                }
                lookup[tensor.name] = (fileIndex, tensor)
                tensors.append(tensor)
            }
            metadata.merge(file.metadata) { first, _ in first }
        }
        self.lookup = lookup
        self.tensors = tensors
        tensorNames = tensors.map(\.name)
        self.metadata = metadata
    }

    /// The tensor called `name`, or `nil`.
    public func info(named name: String) -> SafeTensorInfo? {
        lookup[name]?.tensor
    }

    /// The file holding the tensor called `name`, or `nil`.
    public func file(containing name: String) -> SafeTensorsFile? {
        lookup[name].map { files[$0.file] }
    }

    /// The raw bytes of the tensor called `name`, valid while this checkpoint is alive.
    public func data(named name: String) throws(SafeTensorsError) -> UnsafeRawBufferPointer {
        guard let entry = lookup[name] else { throw .tensorNotFound(name: name, location: location) }
        return files[entry.file].data(for: entry.tensor)
    }

    /// Calls `body` with the bytes of the tensor called `name`, keeping the mappings alive
    /// for the duration of the call even when this object is otherwise unused.
    public func withData<R>(named name: String,
                            _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let bytes = try data(named: name)
        return try withExtendedLifetime(self) { try body(bytes) }
    }

    /// Page-cache hint for one tensor; see ``SafeTensorsFile/advise(_:willNeed:)``.
    public func advise(named name: String, willNeed: Bool) {
        guard let entry = lookup[name] else { return }
        files[entry.file].advise(entry.tensor, willNeed: willNeed)
    }

    // MARK: Opening

    /// Opens each distinct shard once, in file-name order.
    private static func openShards(of index: ShardIndex, in directory: String) throws(SafeTensorsError)
        -> [SafeTensorsFile] {
        var firstTensorOfShard: [String: String] = [:]
        for entry in index.entries where firstTensorOfShard[entry.shard] == nil {
            firstTensorOfShard[entry.shard] = entry.tensor
        }
        let shardNames = firstTensorOfShard.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var files: [SafeTensorsFile] = []
        for shard in shardNames {
            let path = join(directory, shard)
            guard FileManager.default.fileExists(atPath: path) else {
                throw .missingShard(path: path, indexPath: index.path, tensor: firstTensorOfShard[shard] ?? "")
            }
            files.append(try SafeTensorsFile(path: path))
        }
        return files
    }

    /// Every tensor the index names must be in the shard it names.
    private func checkIndexPlacement(_ index: ShardIndex, directory: String) throws(SafeTensorsError) {
        for entry in index.entries {
            let shardPath = Self.join(directory, entry.shard)
            guard let found = lookup[entry.tensor], files[found.file].path == shardPath else {
                throw .tensorMissingFromShard(tensor: entry.tensor, shardPath: shardPath, indexPath: index.path)
            }
        }
    }

    private static func safetensorsFileNames(in directory: String) throws(SafeTensorsError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .cannotOpen(path: directory, reason: String(describing: error))
        }
        return names
            .filter { $0.hasSuffix(".safetensors") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
