import Foundation
import SafeTensors
import Testing
import TestSupport

@Suite("Writer refuses bad input and leaves nothing behind")
struct WriterValidationTests {
    /// Writes into a fresh folder and checks the folder is still empty afterwards.
    private func expectFailure(_ expected: SafeTensorsError, _ build: (inout SafeTensorsWriter) -> Void) throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("out.safetensors")
        var writer = SafeTensorsWriter()
        build(&writer)
        let substituted: SafeTensorsError
        switch expected {
        case let .invalidTensorToWrite(_, tensor, reason): substituted = .invalidTensorToWrite(path: path, tensor: tensor,
                                                                                              reason: reason)
        case let .duplicateTensorToWrite(_, tensor): substituted = .duplicateTensorToWrite(path: path, tensor: tensor)
        default: substituted = expected
        }
        #expect(throws: substituted) { try writer.write(to: path) }
        #expect(folder.entries.isEmpty)
    }

    @Test("byte count must match shape and dtype")
    func byteCountMismatch() throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "w", reason: "5 bytes given, shape [2] of F32 needs 8")) {
            $0.add(name: "w", dtype: .f32, shape: [2], data: patternBytes(5))
        }
    }

    @Test("negative dimensions are refused")
    func negativeDimension() throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "w", reason: "shape [-1] has a negative dimension")) {
            $0.add(name: "w", dtype: .u8, shape: [-1], data: [])
        }
    }

    @Test("element counts that overflow are refused")
    func overflow() throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "w",
                                                reason: "shape [4294967296, 4294967296] has too many elements")) {
            $0.add(name: "w", dtype: .u8, shape: [1 << 32, 1 << 32], data: [])
        }
    }

    @Test("a name may only be used once")
    func duplicate() throws {
        try expectFailure(.duplicateTensorToWrite(path: "", tensor: "w")) {
            $0.add(name: "w", dtype: .u8, shape: [1], data: [1])
            $0.add(name: "w", dtype: .u8, shape: [1], data: [2])
        }
    }

    @Test("__metadata__ is reserved")
    func reservedName() throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "__metadata__", reason: "the name is reserved")) {
            $0.add(name: "__metadata__", dtype: .u8, shape: [1], data: [1])
        }
    }

    @Test("a producer that under-delivers is caught", arguments: [0, 3])
    func shortProducer(delivered: Int) throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "s",
                                                reason: "producer emitted \(delivered) bytes, expected 4")) {
            $0.add(name: "s", dtype: .u8, shape: [4], byteCount: 4) { emit in
                try patternBytes(delivered).withUnsafeBytes { try emit($0) }
            }
        }
    }

    @Test("a producer that over-delivers is stopped")
    func longProducer() throws {
        try expectFailure(.invalidTensorToWrite(path: "", tensor: "s",
                                                reason: "producer emitted more than the declared 4 bytes")) {
            $0.add(name: "s", dtype: .u8, shape: [4], byteCount: 4) { emit in
                try patternBytes(5).withUnsafeBytes { try emit($0) }
            }
        }
    }

    struct ProducerFailure: Error, Equatable {}

    @Test("a producer's own error passes through unchanged")
    func producerError() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        writer.add(name: "s", dtype: .u8, shape: [4], byteCount: 4) { _ in throw ProducerFailure() }
        #expect(throws: ProducerFailure()) { try writer.write(to: folder.file("out.safetensors")) }
        #expect(folder.entries.isEmpty)
    }

    @Test("writing into a missing folder reports the path")
    func missingFolder() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("no/such/dir/out.safetensors")
        #expect {
            try SafeTensorsWriter().write(to: path)
        } throws: { error in
            guard case let .cannotWrite(failedPath, _) = error as? SafeTensorsError else { return false }
            return failedPath == path
        }
    }
}
