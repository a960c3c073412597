import Conversion
import Foundation
import GGUF
import SafeTensors
import TestSupport

/// Runs ``Converter/convert(_:)`` with test defaults.
@discardableResult
func convert(_ modelDirectory: String, to output: String, type: FileType = .f16, threads: Int = 2,
             log: LogLines? = nil) throws -> ConversionSummary {
    var options = ConversionOptions(modelDirectory: modelDirectory, outputPath: output)
    options.fileType = type
    options.threads = threads
    if let log { options.log = { log.append($0) } }
    return try Converter.convert(options)
}

/// Writes `model` to `<scratch>/<name>` and converts it to `<scratch>/<name>.gguf`.
func convertFixture(_ model: TinyModel, in scratch: TemporaryDirectory, name: String = "tiny-model",
                    type: FileType = .f16, sharded: Bool = false) throws -> (GGUFFile, ConversionSummary) {
    let folder = scratch.file(name)
    try model.write(to: folder, sharded: sharded)
    let output = scratch.file(name + ".gguf")
    let summary = try convert(folder, to: output, type: type)
    return (try GGUFFile(path: output), summary)
}

/// The GGUF type a tensor must get: vectors stay F32; matrices follow the file type, and
/// `auto` keeps the checkpoint's own float type.
func expectedType(_ tensor: SourceTensor, fileType: FileType) -> GGMLType {
    if tensor.shape.count < 2 { return .f32 }
    switch fileType {
    case .f32: return .f32
    case .f16: return .f16
    case .bf16: return .bf16
    case .auto:
        switch tensor.dtype {
        case .f32: return .f32
        case .bf16: return .bf16
        default: return .f16
        }
    default:
        // Quantized file types follow llama.cpp's mixes; the float tests never ask for one.
        return fileType.baseType
    }
}

/// The index of the first differing byte, or `nil` when the arrays are equal.
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    if a.count != b.count { return min(a.count, b.count) }
    return a.indices.first { a[$0] != b[$0] }
}

extension GGUFFile {
    func bytes(of name: String) -> [UInt8]? {
        data(named: name).map { Array($0) }
    }

    /// The tensor's values as F32 (float types only).
    func values(of name: String) -> [Float]? {
        guard let info = tensor(named: name) else { return nil }
        return Reference.decode(data(for: info), as: info.type)
    }
}

/// The file types that keep every weight as a float.
let floatFileTypes: [FileType] = [.f32, .f16, .bf16, .auto]

/// Collects progress reports (the callback is `@Sendable`).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [ConversionProgress] = []
    var all: [ConversionProgress] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }
    func append(_ p: ConversionProgress) {
        lock.lock(); defer { lock.unlock() }
        storage.append(p)
    }
}
