import Foundation
import SafeTensors
import Testing
import TestSupport

/// Writes `tensors` (name, element count) as U8 tensors whose bytes derive from the name.
@discardableResult
private func writeShard(_ folder: TemporaryDirectory, _ name: String, _ tensors: [(String, Int)],
                        metadata: [String: String] = [:]) throws -> String {
    var writer = SafeTensorsWriter()
    for (tensor, count) in tensors {
        writer.add(name: tensor, dtype: .u8, shape: [count], data: bytes(for: tensor, count: count))
    }
    let path = folder.file(name)
    try writer.write(to: path, metadata: metadata)
    return path
}

private func bytes(for tensor: String, count: Int) -> [UInt8] {
    patternBytes(count, seed: UInt8(truncatingIfNeeded: tensor.utf8.reduce(0) { $0 &+ Int($1) }))
}

@discardableResult
private func writeIndex(_ folder: TemporaryDirectory, _ weightMap: [(String, String)]) throws -> String {
    let body = weightMap.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ",\n    ")
    let text = "{\n  \"metadata\": {\"total_size\": 123},\n  \"weight_map\": {\n    \(body)\n  }\n}\n"
    return try folder.write("model.safetensors.index.json", bytes: Array(text.utf8))
}

@Suite("Checkpoint folders")
struct CheckpointTests {
    @Test("a folder with model.safetensors opens it")
    func singleFile() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "model.safetensors", [("b", 3), ("a", 2)], metadata: ["format": "pt"])
        let checkpoint = try SafeTensorsCheckpoint(directory: folder.path)
        #expect(checkpoint.files.count == 1)
        #expect(checkpoint.tensorNames == ["b", "a"])
        #expect(checkpoint.metadata == ["format": "pt"])
        #expect(try checkpoint.withData(named: "a") { [UInt8]($0) } == bytes(for: "a", count: 2))
        #expect(checkpoint.info(named: "nope") == nil)
        #expect(throws: SafeTensorsError.tensorNotFound(name: "nope", location: folder.path)) {
            try checkpoint.data(named: "nope")
        }
    }

    @Test("an index and its shards open as one checkpoint in shard-name order")
    func sharded() throws {
        let folder = try TemporaryDirectory()
        let second = try writeShard(folder, "model-00002-of-00002.safetensors", [("layer.1", 5), ("head", 1)],
                                    metadata: ["format": "pt", "shard": "2"])
        let first = try writeShard(folder, "model-00001-of-00002.safetensors", [("embed", 4), ("layer.0", 5)],
                                   metadata: ["format": "pt", "shard": "1"])
        try writeIndex(folder, [("head", "model-00002-of-00002.safetensors"),
                                ("embed", "model-00001-of-00002.safetensors"),
                                ("layer.0", "model-00001-of-00002.safetensors"),
                                ("layer.1", "model-00002-of-00002.safetensors")])
        let checkpoint = try SafeTensorsCheckpoint(directory: folder.path)
        #expect(checkpoint.files.map(\.path) == [first, second])
        #expect(checkpoint.tensorNames == ["embed", "layer.0", "layer.1", "head"])
        #expect(checkpoint.tensors.map(\.name) == checkpoint.tensorNames)
        #expect(checkpoint.metadata == ["format": "pt", "shard": "1"])
        #expect(checkpoint.info(named: "head")?.filePath == second)
        #expect(checkpoint.file(containing: "embed")?.path == first)
        for (name, count) in [("embed", 4), ("layer.0", 5), ("layer.1", 5), ("head", 1)] {
            #expect(try checkpoint.withData(named: name) { [UInt8]($0) } == bytes(for: name, count: count))
            checkpoint.advise(named: name, willNeed: true)
        }
    }

    @Test("without model.safetensors or an index every *.safetensors file is used, sorted by name")
    func fallback() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "b.safetensors", [("y", 1)])
        try writeShard(folder, "a.safetensors", [("x", 1)])
        try folder.write("notes.txt", bytes: Array("hello".utf8))
        try folder.write(".hidden.safetensors", bytes: [0])
        let checkpoint = try SafeTensorsCheckpoint(directory: folder.path + "/")
        #expect(checkpoint.tensorNames == ["x", "y"])
        #expect(checkpoint.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["a.safetensors",
                                                                                             "b.safetensors"])
    }

    @Test("model.safetensors wins over an index, as in Hugging Face loaders")
    func singleFileWinsOverIndex() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "model.safetensors", [("only", 1)])
        try writeIndex(folder, [("gone", "missing.safetensors")])
        #expect(try SafeTensorsCheckpoint(directory: folder.path).tensorNames == ["only"])
    }

    @Test("a single file can be opened as a checkpoint")
    func singleFileCheckpoint() throws {
        let folder = try TemporaryDirectory()
        let path = try writeShard(folder, "weights.safetensors", [("w", 2)])
        let checkpoint = try SafeTensorsCheckpoint(file: path)
        #expect(checkpoint.tensorNames == ["w"])
    }

    @Test("opening a checkpoint leaves its lookup usable from many tasks")
    func concurrentReads() async throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "model.safetensors", (0 ..< 16).map { ("t\($0)", 64) })
        let checkpoint = try SafeTensorsCheckpoint(directory: folder.path)
        let matches = await withTaskGroup(of: Bool.self) { group in
            for index in 0 ..< 16 {
                group.addTask {
                    (try? checkpoint.withData(named: "t\(index)") { [UInt8]($0) }) == bytes(for: "t\(index)", count: 64)
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(matches == 16)
    }
}

@Suite("Bad checkpoint folders")
struct BadCheckpointTests {
    @Test("a path that is not a folder is refused")
    func notADirectory() throws {
        let folder = try TemporaryDirectory()
        let file = try writeShard(folder, "model.safetensors", [("w", 1)])
        for path in [file, folder.file("absent")] {
            #expect(throws: SafeTensorsError.notADirectory(path: path)) { try SafeTensorsCheckpoint(directory: path) }
        }
    }

    @Test("a folder without safetensors files is refused")
    func empty() throws {
        let folder = try TemporaryDirectory()
        try folder.write("model.bin", bytes: [0])
        #expect(throws: SafeTensorsError.noSafeTensorsFiles(directory: folder.path)) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("malformed index files are refused with a reason", arguments: [
        ("{\"weight_map\": {\"a\": \"s.safetensors\",}}", "expected a member name in double quotes"),
        ("[]", "top level is an array, not an object"),
        ("{\"metadata\": {}}", "no \"weight_map\" member"),
        ("{\"weight_map\": [\"s.safetensors\"]}", "\"weight_map\" is an array, not an object"),
        ("{\"weight_map\": {}}", "\"weight_map\" is empty"),
        ("{\"weight_map\": {\"a\": 3}}", "shard for 'a' is the number 3, not a string"),
        ("{\"weight_map\": {\"a\": \"s.safetensors\", \"a\": \"s.safetensors\"}}", "tensor 'a' is listed twice"),
        ("{\"weight_map\": {\"a\": \"s.safetensors\"}, \"weight_map\": {}}", "\"weight_map\" appears twice"),
        ("{\"weight_map\": {\"a\": \"s\u{FFFD}", "unterminated string"),
    ])
    func indexMalformed(text: String, reason: String) throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "s.safetensors", [("a", 1)])
        let index = try folder.write("model.safetensors.index.json", bytes: Array(text.utf8))
        #expect {
            try SafeTensorsCheckpoint(directory: folder.path)
        } throws: { error in
            guard case let .indexMalformed(path, _, failure) = error as? SafeTensorsError else { return false }
            return path == index && failure == reason
        }
    }

    @Test("an index that is not UTF-8 is refused at the bad byte")
    func indexNotUTF8() throws {
        let folder = try TemporaryDirectory()
        let index = try folder.write("model.safetensors.index.json", bytes: Array("{\"x".utf8) + [0xFE])
        #expect(throws: SafeTensorsError.indexMalformed(path: index, offset: 3, reason: "not valid UTF-8")) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("shard names may not leave the folder", arguments: ["../model.safetensors", "sub/x.safetensors", "..", ""])
    func invalidShardName(shard: String) throws {
        let folder = try TemporaryDirectory()
        let index = try writeIndex(folder, [("a", shard)])
        #expect(throws: SafeTensorsError.invalidShardName(indexPath: index, shard: shard, tensor: "a")) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("a shard named in the index but absent is reported by its path")
    func missingShard() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "model-00001-of-00002.safetensors", [("a", 1)])
        let index = try writeIndex(folder, [("a", "model-00001-of-00002.safetensors"),
                                            ("b", "model-00002-of-00002.safetensors"),
                                            ("c", "model-00002-of-00002.safetensors")])
        #expect(throws: SafeTensorsError.missingShard(path: folder.file("model-00002-of-00002.safetensors"),
                                                      indexPath: index, tensor: "b")) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("a tensor the index places in a shard must be in that shard")
    func tensorMissingFromShard() throws {
        let folder = try TemporaryDirectory()
        try writeShard(folder, "s1.safetensors", [("a", 1)])
        try writeShard(folder, "s2.safetensors", [("b", 1)])
        let index = try writeIndex(folder, [("a", "s1.safetensors"), ("b", "s1.safetensors"), ("c", "s2.safetensors")])
        #expect(throws: SafeTensorsError.tensorMissingFromShard(tensor: "b", shardPath: folder.file("s1.safetensors"),
                                                                indexPath: index)) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("a tensor stored in two shards is refused", arguments: [true, false])
    func tensorInTwoShards(withIndex: Bool) throws {
        let folder = try TemporaryDirectory()
        let first = try writeShard(folder, "s1.safetensors", [("a", 1), ("dup", 2)])
        let second = try writeShard(folder, "s2.safetensors", [("dup", 2), ("b", 1)])
        if withIndex {
            try writeIndex(folder, [("a", "s1.safetensors"), ("dup", "s1.safetensors"), ("b", "s2.safetensors")])
        }
        #expect(throws: SafeTensorsError.tensorInTwoShards(tensor: "dup", firstPath: first, secondPath: second)) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }

    @Test("a corrupt shard's own error comes through")
    func corruptShard() throws {
        let folder = try TemporaryDirectory()
        let shard = try folder.write("s.safetensors", bytes: [1, 2, 3])
        try writeIndex(folder, [("a", "s.safetensors")])
        #expect(throws: SafeTensorsError.fileTooShort(path: shard, size: 3)) {
            try SafeTensorsCheckpoint(directory: folder.path)
        }
    }
}
