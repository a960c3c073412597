import FileSupport
import Foundation
import Yams

/// A batch manifest: models × outputs, where the files go, and what to measure.
///
/// ```yaml
/// output_dir: out                        # relative to the manifest's folder (default: the folder itself)
/// name: "{model}-{output}.gguf"          # {model}, {output} (the output's name, default its type), {type}
/// models:
///   - path: models/SmolLM2-135M-Instruct # a Hugging Face folder (convert) or a GGUF file (quantize)
///     name: smollm2                      # default: the folder or file name without .gguf
/// outputs:
///   - type: q8_0
///   - type: q4_k_m
///     imatrix: true                      # the model's one calibration run (see calibration:)
///     keep: ["attn_v=q8_0"]              # any other key is the convert/quantize option of that name
/// calibration: {text: default, chunks: 100, context: 512}
/// evaluate: {text: wiki.test.raw, chunks: 8, context: 512}
/// ```
public struct BatchManifest: Equatable, Sendable {
    public struct Model: Equatable, Sendable {
        public var name: String
        /// Absolute path.
        public var path: String
    }

    public struct Output: Equatable, Sendable {
        public var name: String
        public var type: String
        /// Use the model's shared importance matrix (`imatrix: true`).
        public var sharedImportanceMatrix: Bool
        /// Options for `convert` / `quantize`, as command-line arguments, in manifest order.
        public var arguments: [String]
    }

    /// The model's one calibration run, shared by every output with `imatrix: true`.
    public struct Calibration: Equatable, Sendable {
        /// A path, or `nil` for the built-in corpus.
        public var text: String?
        public var chunks: Int = 100
        public var context: Int = 512
    }

    public struct Evaluation: Equatable, Sendable {
        /// A path, or `nil` for the built-in validation text.
        public var text: String?
        public var chunks: Int = 8
        public var context: Int = 512
    }

    public var path: String
    public var outputDirectory: String
    public var nameTemplate: String = "{model}-{output}.gguf"
    public var models: [Model]
    public var outputs: [Output]
    public var calibration = Calibration()
    public var evaluation: Evaluation?

    /// Options the batch sets itself, which a manifest may not.
    static let reservedOptions: Set<String> = ["output", "o", "force", "json", "quiet", "q", "verbose", "v", "threads", "t",
                                               "help", "version"]
    /// Options whose value is a path, resolved against the manifest's folder.
    static let pathOptions: Set<String> = ["imatrix", "calibration", "validate-text", "validate-cache", "imatrix-out"]

    public static func load(path: String) throws(BatchError) -> BatchManifest {
        guard let data = readWholeFile(atPath: path) else {
            throw .invalidManifest(path: path, line: nil, reason: "cannot read the file")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch {
            throw .invalidManifest(path: path, line: nil, reason: "not valid YAML: \(error)")
        }
        return try ManifestReader(path: path).manifest(root)
    }
}

/// Reads the YAML tree, naming the line of anything wrong.
private struct ManifestReader {
    let path: String
    var folder: String { (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).deletingLastPathComponent }

    func fail(_ node: Node?, _ reason: String) -> BatchError {
        .invalidManifest(path: path, line: node?.mark?.line, reason: reason)
    }

    func absolute(_ value: String) -> String {
        let expanded = (value as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded).standardizedFileURL.path
            : URL(fileURLWithPath: folder).appendingPathComponent(expanded).standardizedFileURL.path
    }

    func mapping(_ node: Node?, _ what: String) throws(BatchError) -> [(key: String, value: Node, keyNode: Node)] {
        guard let node, let mapping = node.mapping else { throw fail(node, "\(what) must be a mapping") }
        var seen = Set<String>()
        var result: [(key: String, value: Node, keyNode: Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw fail(key, "\(what): keys must be strings") }
            guard seen.insert(name).inserted else { throw fail(key, "\(what): '\(name)' appears twice") }
            result.append((name, value, key))
        }
        return result
    }

    func string(_ node: Node, _ what: String) throws(BatchError) -> String {
        guard node.scalar != nil, let text = node.string, !text.isEmpty else { throw fail(node, "\(what) must be a non-empty string") }
        return text
    }

    func positive(_ node: Node, _ what: String) throws(BatchError) -> Int {
        guard node.scalar != nil, let value = node.int, value >= 1 else { throw fail(node, "\(what) must be a positive integer") }
        return value
    }

    func manifest(_ root: Node?) throws(BatchError) -> BatchManifest {
        var outputDirectory = folder
        var template = "{model}-{output}.gguf"
        var models: [BatchManifest.Model] = []
        var outputs: [BatchManifest.Output] = []
        var calibration = BatchManifest.Calibration()
        var evaluation: BatchManifest.Evaluation?
        var sawModels = false, sawOutputs = false
        for (key, value, keyNode) in try mapping(root, "the manifest") {
            switch key {
            case "output_dir": outputDirectory = absolute(try string(value, "output_dir"))
            case "name":
                template = try string(value, "name")
                guard template.contains("{model}"), template.contains("{output}") || template.contains("{type}") else {
                    throw fail(value, "name must contain {model} and {output} (or {type}) so every output gets its own file")
                }
                guard !template.contains("/") else { throw fail(value, "name is a file name; put folders in output_dir") }
            case "models":
                sawModels = true
                guard let items = value.sequence else { throw fail(value, "models must be a list") }
                for item in items { models.append(try model(item)) }
            case "outputs":
                sawOutputs = true
                guard let items = value.sequence else { throw fail(value, "outputs must be a list") }
                for item in items { outputs.append(try output(item)) }
            case "calibration":
                for (field, node, _) in try mapping(value, "calibration") {
                    switch field {
                    case "text":
                        let text = try string(node, "calibration.text")
                        calibration.text = text == "default" ? nil : absolute(text)
                    case "chunks": calibration.chunks = try positive(node, "calibration.chunks")
                    case "context": calibration.context = try positive(node, "calibration.context")
                    default: throw fail(node, "calibration: unknown field '\(field)' (text, chunks, context)")
                    }
                }
            case "evaluate":
                var block = BatchManifest.Evaluation()
                for (field, node, _) in try mapping(value, "evaluate") {
                    switch field {
                    case "text":
                        let text = try string(node, "evaluate.text")
                        block.text = text == "default" ? nil : absolute(text)
                    case "chunks": block.chunks = try positive(node, "evaluate.chunks")
                    case "context": block.context = try positive(node, "evaluate.context")
                    default: throw fail(node, "evaluate: unknown field '\(field)' (text, chunks, context)")
                    }
                }
                evaluation = block
            default:
                throw fail(keyNode, "unknown field '\(key)' (output_dir, name, models, outputs, calibration, evaluate)")
            }
        }
        guard sawModels, !models.isEmpty else { throw fail(root, "models: list at least one model") }
        guard sawOutputs, !outputs.isEmpty else { throw fail(root, "outputs: list at least one output") }
        try unique(models.map(\.name), "model name")
        try unique(outputs.map(\.name), "output name")
        return BatchManifest(path: URL(fileURLWithPath: path).standardizedFileURL.path, outputDirectory: outputDirectory,
                             nameTemplate: template, models: models, outputs: outputs, calibration: calibration,
                             evaluation: evaluation)
    }

    func unique(_ names: [String], _ what: String) throws(BatchError) {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw fail(nil, "two entries have the \(what) '\(name)'; give one a different name")
        }
    }

    func model(_ node: Node) throws(BatchError) -> BatchManifest.Model {
        if node.scalar != nil {
            let path = absolute(try string(node, "a model"))
            return BatchManifest.Model(name: defaultName(path), path: path)
        }
        var path: String?, name: String?
        for (field, value, _) in try mapping(node, "a model") {
            switch field {
            case "path": path = absolute(try string(value, "path"))
            case "name": name = try safeName(value, "name")
            default: throw fail(value, "model: unknown field '\(field)' (path, name)")
            }
        }
        guard let path else { throw fail(node, "a model needs a path") }
        return BatchManifest.Model(name: name ?? defaultName(path), path: path)
    }

    func defaultName(_ path: String) -> String {
        let last = (path as NSString).lastPathComponent
        return last.lowercased().hasSuffix(".gguf") ? String(last.dropLast(5)) : last
    }

    func safeName(_ node: Node, _ what: String) throws(BatchError) -> String {
        let text = try string(node, what)
        guard !text.contains("/"), !text.hasPrefix(".") else { throw fail(node, "\(what) '\(text)' must be a plain file-name part") }
        return text
    }

    func output(_ node: Node) throws(BatchError) -> BatchManifest.Output {
        var type: String?, name: String?
        var shared = false
        var arguments: [String] = []
        for (field, value, keyNode) in try mapping(node, "an output") {
            switch field {
            case "type": type = try safeName(value, "type")
            case "name": name = try safeName(value, "name")
            case "imatrix" where value.scalar != nil && value.bool != nil:
                shared = value.bool!
            default:
                guard field.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
                    throw fail(keyNode, "output option '\(field)' is not an option name (lower case, like keep or prune-heads)")
                }
                guard !BatchManifest.reservedOptions.contains(field) else {
                    throw fail(keyNode, "output option '\(field)' is set by batch itself")
                }
                arguments += try optionArguments(field, value)
            }
        }
        guard let type else { throw fail(node, "an output needs a type (like q4_k_m)") }
        if shared, arguments.contains("--imatrix") || arguments.contains("--calibration") {
            throw fail(node, "imatrix: true uses the model's calibration run; it cannot be combined with imatrix: FILE or calibration")
        }
        return BatchManifest.Output(name: name ?? type, type: type, sharedImportanceMatrix: shared, arguments: arguments)
    }

    /// `key: value` as `--key value`: `true` is a bare flag, `false` leaves it out, a list repeats it.
    func optionArguments(_ field: String, _ value: Node) throws(BatchError) -> [String] {
        if let sequence = value.sequence {
            var result: [String] = []
            for item in sequence { result += try optionArguments(field, item) }
            return result
        }
        guard value.scalar != nil, let text = value.string else { throw fail(value, "\(field): expected a value or a list") }
        if let flag = value.bool, ["true", "false", "yes", "no", "on", "off"].contains(text.lowercased()) {
            return flag ? ["--\(field)"] : []
        }
        let resolved = BatchManifest.pathOptions.contains(field) && !(field == "calibration" && text == "default")
            ? absolute(text) : text
        return ["--\(field)", resolved]
    }
}
