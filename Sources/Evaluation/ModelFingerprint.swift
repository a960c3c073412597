import FileSupport
import Foundation

/// A cheap content fingerprint of a model (a GGUF file or a Hugging Face folder), so a cache of
/// the original's log-probabilities is never reused for a different model with the same
/// vocabulary.
///
/// Reading whole checkpoints would cost as much as scoring them, so each file contributes its
/// size and the SHA-256 of its first and last MiB: any re-conversion, re-quantization or other
/// checkpoint changes the headers (tensor tables, metadata) or the sizes. Names and paths do not
/// count, so a copied or moved model keeps its fingerprint.
public enum ModelFingerprint {
    static let sampleBytes = 1 << 20

    /// The fingerprint of the model at `path`: a file, or every regular file directly in a folder
    /// (by name order).
    public static func of(path: String) throws(EvaluationError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .invalidOption("\(path): no such file or folder")
        }
        var files: [String] = splitParts(firstPart: path) ?? [path]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
                .filter { name in
                    var folder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: name, isDirectory: &folder) && !folder.boolValue
                }
        }
        var summary: [UInt8] = []
        for file in files {
            let name = isDirectory.boolValue ? (file as NSString).lastPathComponent : ""
            summary += Array(name.utf8) + [0]
            summary += Array(try sample(file).utf8) + [0]
        }
        return SHA256.hex(summary)
    }

    /// Every part of a split GGUF model named as llama.cpp names them, given its first part
    /// (`NAME-00001-of-00004.gguf`): the later parts hold most of the weights, so they count too.
    static func splitParts(firstPart path: String) -> [String]? {
        let suffixLength = "-00001-of-00004.gguf".count
        guard path.count > suffixLength else { return nil }
        let suffix = path.suffix(suffixLength)
        guard suffix.hasPrefix("-00001-of-"), suffix.hasSuffix(".gguf"),
              let count = Int(suffix.dropFirst("-00001-of-".count).prefix(5)), count > 1 else { return nil }
        let prefix = path.dropLast(suffixLength)
        return (1 ... count).map { prefix + String(format: "-%05d-of-%05d.gguf", $0, count) }
    }

    /// `size:sha256(first MiB + last MiB)` of one file.
    static func sample(_ path: String) throws(EvaluationError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .invalidOption("\(path): cannot be read")
        }
        defer { try? handle.close() }
        do {
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
            var bytes = [UInt8](try handle.read(upToCount: sampleBytes) ?? Data())
            if size > UInt64(sampleBytes) {
                try handle.seek(toOffset: size - UInt64(min(UInt64(sampleBytes), size - UInt64(sampleBytes))))
                bytes += [UInt8](try handle.readToEnd() ?? Data())
            }
            return "\(size):\(SHA256.hex(bytes))"
        } catch {
            throw .invalidOption("\(path): cannot be read (\(error))")
        }
    }
}
