import Foundation
import Testing
@testable import GGUF
import TestSupport

@Suite("Writer")
struct WriterTests {
    static let tensors = [
        TestTensor("a", [64, 2], .f32, seed: 1),
        TestTensor("b", [32, 3], .q8_0, seed: 2),
        TestTensor("c", [5], .f16, seed: 3),
    ]
    static let metadata = GGUFMetadata([(GGUFKey.architecture, .string("llama")),
                                        (GGUFKey.fileType, LlamaFileType.mostlyQ8_0.metadataValue)])

    @Test("identical input gives byte-identical files")
    func deterministic() throws {
        let directory = try TemporaryDirectory()
        let first = try readBytes(writeGGUF(directory.file("1.gguf"), metadata: Self.metadata, tensors: Self.tensors))
        let second = try readBytes(writeGGUF(directory.file("2.gguf"), metadata: Self.metadata, tensors: Self.tensors))
        #expect(first == second)
    }

    @Test("streaming a tensor in row chunks gives the same file as writing it whole")
    func streamingMatchesWhole() throws {
        let directory = try TemporaryDirectory()
        let whole = try readBytes(writeGGUF(directory.file("whole.gguf"), metadata: Self.metadata, tensors: Self.tensors))
        let path = directory.file("chunks.gguf")
        let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors.map(\.descriptor))
        for tensor in Self.tensors {
            try writer.beginTensor()
            var start = 0
            while start < tensor.bytes.count {
                let end = min(start + 7, tensor.bytes.count)
                try tensor.bytes[start ..< end].withUnsafeBytes { try writer.appendTensorBytes($0) }
                start = end
            }
            try writer.endTensor()
        }
        try writer.finish()
        #expect(try readBytes(path) == whole)
    }

    @Test("nothing appears at the output path before finish succeeds")
    func atomicUntilFinish() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.gguf")
        let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors.map(\.descriptor))
        #expect(!fileExists(path))
        for tensor in Self.tensors {
            try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) }
            #expect(!fileExists(path))
        }
        try writer.finish()
        #expect(fileExists(path))
        #expect(directory.entries == ["out.gguf"], "no temporary file is left behind")
        #expect(writer.tensorsWritten == Self.tensors.count)
        #expect(throws: GGUFError.self) { try writer.finish() }
    }

    @Test("a writer released without finish leaves no file at all")
    func droppedWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("dropped.gguf")
        do {
            let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors.map(\.descriptor))
            try Self.tensors[0].bytes.withUnsafeBytes { try writer.writeTensorData($0) }
            #expect(directory.entries.count == 1, "only the temporary file exists while writing")
        }
        #expect(directory.entries.isEmpty)
    }

    @Test("discard deletes the temporary file at once")
    func discard() throws {
        let directory = try TemporaryDirectory()
        let writer = try GGUFWriter(path: directory.file("x.gguf"), metadata: Self.metadata,
                                    tensors: Self.tensors.map(\.descriptor))
        writer.discard()
        #expect(directory.entries.isEmpty)
        #expect(throws: GGUFError.self) { try writer.finish() }
    }

    /// Ways to get a tensor's byte count wrong, each of which must fail and remove the output.
    enum SizeMistake: CaseIterable, Sendable { case tooFewWhole, tooManyWhole, tooFewStreamed, tooManyStreamed }

    @Test("a tensor with the wrong byte count fails and leaves nothing behind", arguments: SizeMistake.allCases)
    func wrongByteCount(mistake: SizeMistake) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bad.gguf")
        let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors.map(\.descriptor))
        try Self.tensors[0].bytes.withUnsafeBytes { try writer.writeTensorData($0) }
        let expected = Self.tensors[1].bytes.count
        let error: GGUFError? = {
            do {
                switch mistake {
                case .tooFewWhole:
                    try [UInt8](repeating: 1, count: expected - 1).withUnsafeBytes { try writer.writeTensorData($0) }
                case .tooManyWhole:
                    try [UInt8](repeating: 1, count: expected + 1).withUnsafeBytes { try writer.writeTensorData($0) }
                case .tooFewStreamed:
                    try writer.beginTensor()
                    try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try writer.appendTensorBytes($0) }
                    try writer.endTensor()
                case .tooManyStreamed:
                    try writer.beginTensor()
                    try [UInt8](repeating: 1, count: expected).withUnsafeBytes { try writer.appendTensorBytes($0) }
                    try [UInt8](repeating: 1, count: 1).withUnsafeBytes { try writer.appendTensorBytes($0) }
                }
            } catch let error as GGUFError {
                return error
            } catch {
                return nil
            }
            return nil
        }()
        guard case let .tensorSizeMismatch(errorPath, name, wanted, _) = error else {
            Issue.record("expected tensorSizeMismatch, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path && name == "b" && wanted == expected)
        #expect(directory.entries.isEmpty, "the partial output is deleted at once")
        #expect(throws: GGUFError.self) { try writer.finish() }
        #expect(!fileExists(path))
    }

    @Test("a failed write leaves an existing file at the path untouched")
    func existingFileSurvivesFailure() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("keep.gguf", bytes: [1, 2, 3])
        let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors.map(\.descriptor))
        try Self.tensors[0].bytes.withUnsafeBytes { try writer.writeTensorData($0) }
        #expect(throws: GGUFError.self) { try writer.finish() }
        #expect(try readBytes(path) == [1, 2, 3])
        #expect(directory.entries == ["keep.gguf"])
    }

    @Test("calls out of order are refused")
    func misuse() throws {
        let directory = try TemporaryDirectory()
        let one = [TestTensor("only", [4], .f32)]
        func fresh() throws -> GGUFWriter {
            try GGUFWriter(path: directory.file("m.gguf"), metadata: GGUFMetadata(), tensors: one.map(\.descriptor))
        }
        let bytes = one[0].bytes

        let appendFirst = try fresh()
        #expect { try bytes.withUnsafeBytes { try appendFirst.appendTensorBytes($0) } } throws: { isMisuse($0) }
        let endFirst = try fresh()
        #expect { try endFirst.endTensor() } throws: { isMisuse($0) }
        let doubleBegin = try fresh()
        try doubleBegin.beginTensor()
        #expect { try doubleBegin.beginTensor() } throws: { isMisuse($0) }
        let tooMany = try fresh()
        try bytes.withUnsafeBytes { try tooMany.writeTensorData($0) }
        #expect { try bytes.withUnsafeBytes { try tooMany.writeTensorData($0) } } throws: { isMisuse($0) }
        let openAtFinish = try fresh()
        try openAtFinish.beginTensor()
        #expect { try openAtFinish.finish() } throws: { isMisuse($0) }
        #expect(!fileExists(directory.file("m.gguf")))
    }

    @Test("a missing output folder is a file-system error")
    func missingFolder() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no/such/folder/x.gguf")
        #expect {
            try GGUFWriter(path: path, metadata: GGUFMetadata(), tensors: [])
        } throws: { error in
            guard case let .fileSystem(errorPath, _) = error as? GGUFError else { return false }
            return errorPath == path
        }
    }
}

func isMisuse(_ error: any Error) -> Bool {
    if case .writerMisuse = error as? GGUFError { return true }
    return false
}
