import Foundation
import Testing
import TestSupport
@testable import GGUF

/// Deterministic pseudo-random bytes (SplitMix64), so tests never depend on a global RNG.
func patternBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    return (0 ..< count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
}

/// A tensor to write in a test: its descriptor and data.
struct TestTensor {
    let descriptor: GGUFTensorDescriptor
    let bytes: [UInt8]

    init(_ name: String, _ dimensions: [Int], _ type: GGMLType, seed: UInt64 = 1) {
        descriptor = GGUFTensorDescriptor(name: name, dimensions: dimensions, type: type)
        let elements = dimensions.reduce(1, *)
        bytes = patternBytes(type.byteCount(elements: elements)!, seed: seed)
    }
}

/// Writes a complete file with the writer and returns its path.
@discardableResult
func writeGGUF(_ path: String, metadata: GGUFMetadata, tensors: [TestTensor]) throws -> String {
    let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors.map(\.descriptor))
    for tensor in tensors {
        try tensor.bytes.withUnsafeBytes { try writer.writeTensorData($0) }
    }
    try writer.finish()
    return path
}

/// Hand-assembles GGUF bytes, including ones the writer would refuse to produce.
struct RawGGUF {
    var bytes: [UInt8] = []

    init(magic: [UInt8] = Array("GGUF".utf8), version: UInt32 = 3, tensorCount: UInt64, keyValueCount: UInt64) {
        bytes = magic
        u32(version)
        u64(tensorCount)
        u64(keyValueCount)
    }

    var count: Int { bytes.count }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
    mutating func string(_ value: String) { rawString(Array(value.utf8)) }
    mutating func rawString(_ value: [UInt8]) {
        u64(UInt64(value.count))
        raw(value)
    }

    /// A key with a uint32 value.
    mutating func keyValue(_ key: String, uint32 value: UInt32) {
        string(key)
        u32(GGUFValueType.uint32.rawValue)
        u32(value)
    }

    mutating func tensorInfo(_ name: String, dimensions: [UInt64], type: UInt32, offset: UInt64) {
        string(name)
        u32(UInt32(dimensions.count))
        for dimension in dimensions { u64(dimension) }
        u32(type)
        u64(offset)
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    mutating func zeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }
}

/// Opens `bytes` as a GGUF file and returns the error it is rejected with.
func readError(_ bytes: [UInt8], in directory: TemporaryDirectory,
               sourceLocation: SourceLocation = #_sourceLocation) throws -> GGUFError? {
    let path = try directory.write("input.gguf", bytes: bytes)
    do {
        _ = try GGUFFile(path: path)
        Issue.record("the file was accepted", sourceLocation: sourceLocation)
        return nil
    } catch let error as GGUFError {
        #expect(error.description.contains(path), "error should name the file", sourceLocation: sourceLocation)
        return error
    }
}
