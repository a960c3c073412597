import Foundation
import GGUF

/// What a pipeline reads: a Hugging Face folder or an existing GGUF file.
public enum ModelSource: Sendable {
    case huggingFace(HFModelFolder)
    case gguf(GGUFFile)

    /// Opens `path`: a folder is read as a Hugging Face checkpoint, a file as GGUF.
    public static func open(_ path: String) throws -> ModelSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConversionError.invalidOption("\(path): no such file or folder")
        }
        return isDirectory.boolValue ? .huggingFace(try HFModelFolder(directory: path)) : .gguf(try GGUFFile(path: path))
    }

    /// The folder or file, for messages.
    public var location: String {
        switch self {
        case let .huggingFace(folder): folder.directory
        case let .gguf(file): file.path
        }
    }
}
