import Foundation
import Testing
@testable import GGUF
import TestSupport

@Suite("Split files")
struct SplitFileTests {
    static let tensors = [
        TestTensor("a", [64, 2], .f32, seed: 1),
        TestTensor("b", [32, 3], .q8_0, seed: 2),
        TestTensor("c", [5], .f16, seed: 3),
        TestTensor("d", [32, 4], .f16, seed: 4),
        TestTensor("e", [7], .f32, seed: 5),
    ]
    static let metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama")),
                                        (GGUFKey.fileType, LlamaFileType.mostlyQ8_0.metadataValue)])

    /// Writes `tensors` through the split writer and returns the paths it wrote.
    @discardableResult
    static func writeSplit(_ path: String, limit: GGUFSplitLimit?, tensors: [TestTensor] = tensors,
                           metadata: GGUFMetadata = metadata) throws -> [String] {
        let writer = try GGUFSplitWriter(path: path, metadata: metadata, tensors: tensors.map(\.descriptor), limit: limit)
        for tensor in tensors {
            try writer.beginTensor()
            try tensor.bytes.withUnsafeBytes { try writer.appendTensorBytes($0) }
            try writer.endTensor()
        }
        try writer.finish()
        return writer.paths
    }

    @Test("parts are cut where llama-gguf-split cuts them")
    func partition() {
        #expect(GGUFSplitLimit.tensors(2).partition(byteCounts: [1, 1, 1, 1, 1]) == [0 ..< 2, 2 ..< 4, 4 ..< 5])
        #expect(GGUFSplitLimit.tensors(5).partition(byteCounts: [1, 1, 1, 1, 1]) == [0 ..< 5])
        // Sizes count padded to the alignment: 40 bytes take 64, so 64 + 64 > 100 starts a part.
        #expect(GGUFSplitLimit.bytes(100).partition(byteCounts: [40, 40, 10, 20]) == [0 ..< 1, 1 ..< 3, 3 ..< 4])
        #expect(GGUFSplitLimit.bytes(128).partition(byteCounts: [40, 40, 10, 20]) == [0 ..< 2, 2 ..< 4])
        // A tensor over the limit gets a part of its own rather than an empty part before it.
        #expect(GGUFSplitLimit.bytes(10).partition(byteCounts: [100, 5, 200]) == [0 ..< 1, 1 ..< 2, 2 ..< 3])
    }

    @Test("sizes are read as llama-gguf-split reads them (decimal units)")
    func sizes() {
        #expect(GGUFSplitLimit(size: "4G") == .bytes(4_000_000_000))
        #expect(GGUFSplitLimit(size: "500M") == .bytes(500_000_000))
        #expect(GGUFSplitLimit(size: "2k") == .bytes(2000))
        #expect(GGUFSplitLimit(size: "1234") == .bytes(1234))
        for bad in ["0", "-1G", "G", "4GB", "1.5G", "", "99999999999999999999G"] {
            #expect(GGUFSplitLimit(size: bad) == nil, "\(bad)")
        }
    }

    @Test("parts are named NAME-0000i-of-0000n.gguf, hold llama.cpp's split keys and read back as one model")
    func writeAndRead() throws {
        let directory = try TemporaryDirectory()
        let paths = try Self.writeSplit(directory.file("model.gguf"), limit: .tensors(2))
        #expect(paths.map { ($0 as NSString).lastPathComponent }
            == ["model-00001-of-00003.gguf", "model-00002-of-00003.gguf", "model-00003-of-00003.gguf"])
        #expect(directory.entries == paths.map { ($0 as NSString).lastPathComponent })

        for (index, path) in paths.enumerated() {
            let part = try GGUFFile(path: path, openingParts: false)
            let splitKeys: [(String, GGUFValue)] = [(GGUFSplit.numberKey, .uint16(UInt16(index))),
                                                   (GGUFSplit.tensorCountKey, .int32(5)),
                                                   (GGUFSplit.countKey, .uint16(3))]
            let expected = index == 0 ? Self.metadata.entries.map { ($0.key, $0.value) } + splitKeys : splitKeys
            #expect(part.metadata == GGUFMetadata(expected), "part \(index + 1)")
            #expect(part.tensors.map(\.name) == Self.tensors[(2 * index) ..< min(5, 2 * index + 2)].map(\.descriptor.name))
        }

        let model = try GGUFFile(path: paths[0])
        #expect(model.partPaths == paths)
        #expect(model.tensors.map(\.name) == Self.tensors.map(\.descriptor.name))
        for tensor in Self.tensors {
            let info = try #require(model.tensor(named: tensor.descriptor.name))
            #expect(Array(model.data(for: info)) == tensor.bytes, "\(info.name)")
        }
        let sizes = try paths.map { try FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int ?? 0 }
        #expect(model.fileSize == sizes.reduce(0, +))
        #expect(model.location(of: model.tensor(named: "c")!)?.path == paths[1])
    }

    @Test("a model that fits in one part is written as a plain file without split keys")
    func onePart() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.gguf")
        #expect(try Self.writeSplit(path, limit: .bytes(1_000_000)) == [path])
        let plain = try writeGGUF(directory.file("plain.gguf"), metadata: Self.metadata, tensors: Self.tensors)
        #expect(try readBytes(path) == readBytes(plain))
    }

    @Test("a later part, a missing part or a wrong part number is refused with the file named")
    func badParts() throws {
        let directory = try TemporaryDirectory()
        let paths = try Self.writeSplit(directory.file("model.gguf"), limit: .tensors(2))

        let later = try #require(throws: GGUFError.self) { try GGUFFile(path: paths[1]) }
        #expect(later.description.contains("part 2 of 3") && later.description.contains("model-00001-of-00003.gguf"))

        // Part 3 in part 2's place: its split.no is 2 where 1 is expected.
        let saved = try readBytes(paths[1])
        try FileManager.default.removeItem(atPath: paths[1])
        let missing = try #require(throws: GGUFError.self) { try GGUFFile(path: paths[0]) }
        #expect(missing.description.contains("model-00002-of-00003.gguf") && missing.description.contains("part 2 of 3"))
        try FileManager.default.copyItem(atPath: paths[2], toPath: paths[1])
        let misplaced = try #require(throws: GGUFError.self) { try GGUFFile(path: paths[0]) }
        #expect(misplaced == .splitFile(path: paths[1], reason: "split.no is 2 where part 1 (counting from 0) was expected"))
        try FileManager.default.removeItem(atPath: paths[1])
        try writeBytes(saved, to: paths[1])
        _ = try GGUFFile(path: paths[0])

        // A first part renamed away from the pattern cannot find its siblings.
        let renamed = directory.file("renamed.gguf")
        try FileManager.default.copyItem(atPath: paths[0], toPath: renamed)
        let unnamed = try #require(throws: GGUFError.self) { try GGUFFile(path: renamed) }
        #expect(unnamed.description.contains("must be named NAME-00001-of-00003.gguf"))
    }

    @Test("a failure in a later part leaves no part behind")
    func failureLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        let writer = try GGUFSplitWriter(path: directory.file("model.gguf"), metadata: Self.metadata,
                                         tensors: Self.tensors.map(\.descriptor), limit: .tensors(2))
        for tensor in Self.tensors.prefix(3) {
            try writer.beginTensor()
            try tensor.bytes.withUnsafeBytes { try writer.appendTensorBytes($0) }
            try writer.endTensor()
        }
        try writer.beginTensor()
        #expect(throws: GGUFError.self) { try writer.endTensor() }
        #expect(directory.entries.isEmpty)
        #expect(throws: GGUFError.self) { try writer.finish() }
        #expect(directory.entries.isEmpty)

        // finish with tensors missing: nothing either.
        let early = try GGUFSplitWriter(path: directory.file("early.gguf"), metadata: Self.metadata,
                                        tensors: Self.tensors.map(\.descriptor), limit: .tensors(2))
        for tensor in Self.tensors.prefix(2) {
            try tensor.bytes.withUnsafeBytes { bytes in
                try early.beginTensor()
                try early.appendTensorBytes(bytes)
                try early.endTensor()
            }
        }
        #expect(throws: GGUFError.self) { try early.finish() }
        #expect(directory.entries.isEmpty)
    }

    @Test("all parts appear together: nothing is at the final paths before finish")
    func atomicUntilFinish() throws {
        let directory = try TemporaryDirectory()
        let writer = try GGUFSplitWriter(path: directory.file("model.gguf"), metadata: Self.metadata,
                                         tensors: Self.tensors.map(\.descriptor), limit: .tensors(2))
        for tensor in Self.tensors {
            try writer.beginTensor()
            try tensor.bytes.withUnsafeBytes { try writer.appendTensorBytes($0) }
            try writer.endTensor()
        }
        #expect(writer.paths.allSatisfy { !fileExists($0) })
        try writer.finish()
        #expect(writer.paths.allSatisfy { fileExists($0) })
        #expect(directory.entries.count == 3)
    }
}
