import ArgumentParser
import Conversion
import Foundation
import GGUF
import ImportanceMatrix
import SafeTensors

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the metadata and tensor table of a GGUF file, a safetensors file or a model folder."
    )

    @Argument(help: "A .gguf file, a .safetensors file, a Hugging Face model folder or a legacy .dat importance matrix.")
    var path: String

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    @Option(name: .long, help: "Show at most this many elements of long metadata arrays in text output.")
    var arrayPreview = 8

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConversionError.invalidOption("\(path): no such file or folder")
        }
        let report: InspectionReport
        if isDirectory.boolValue {
            report = try InspectionReport(folder: HFModelFolder(directory: path))
        } else if try Self.isGGUF(path) {
            let file = try GGUFFile(path: path)
            if file.metadata[GGUFKey.type]?.stringValue == ImportanceMatrix.generalType {
                return try printImportanceMatrix(format: "gguf")
            }
            report = InspectionReport(gguf: file)
        } else if path.lowercased().hasSuffix(".dat") {
            return try printImportanceMatrix(format: "legacy dat")
        } else {
            report = try InspectionReport(safetensors: SafeTensorsFile(path: path))
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.jsonObject, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(report.text(arrayPreview: arrayPreview))
        }
    }

    static func isGGUF(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConversionError.invalidOption("\(path): cannot open")
        }
        defer { try? handle.close() }
        let magic = handle.readData(ofLength: 4)
        return magic == Data("GGUF".utf8)
    }
}

/// A format-neutral description of a model file: key/value metadata and a tensor table.
struct InspectionReport {
    struct Row {
        var name: String
        var shape: [Int]
        var type: String
        var bytes: Int
        var offset: Int
        /// The part holding the tensor, counting from 0, for a split model.
        var part: Int? = nil
    }

    var kind: String
    var path: String
    var metadata: [(String, Any, String)] = [] // key, JSON value, text rendering
    var tensors: [Row] = []
    /// Every file of a split model, in order.
    var parts: [String] = []

    init(gguf file: GGUFFile) {
        kind = "gguf"
        path = file.path
        metadata.append(("GGUF.version", Int(file.version), "\(file.version)"))
        for (key, value) in file.metadata {
            metadata.append((key, Self.json(value), Self.text(value, preview: 8)))
        }
        // A split model's offsets are within each tensor's own part.
        tensors = file.tensors.map {
            Row(name: $0.name, shape: $0.dimensions, type: $0.type.name, bytes: $0.byteCount,
                offset: file.location(of: $0)?.offset ?? file.dataOffset + $0.offset,
                part: file.partPaths.count > 1 ? file.partPaths.firstIndex(of: file.location(of: $0)?.path ?? "") : nil)
        }
        if file.partPaths.count > 1 { parts = file.partPaths }
        textPreview = { preview in
            file.metadata.map { entry in
                // Per-layer head counts (a pruned model) are shown whole: which layers lost heads is the point.
                let whole = entry.key.hasSuffix(".attention.head_count") || entry.key.hasSuffix(".attention.head_count_kv")
                    || entry.key.hasPrefix("ggufkit.prune_heads.")
                return (key: entry.key, text: Self.text(entry.value, preview: whole ? Int.max : preview))
            }
        }
    }

    init(safetensors file: SafeTensorsFile) {
        kind = "safetensors"
        path = file.path
        for (key, value) in file.metadata.sorted(by: { $0.key < $1.key }) {
            metadata.append((key, value, value))
        }
        tensors = file.tensors.map {
            Row(name: $0.name, shape: $0.shape, type: $0.dtype.rawValue, bytes: $0.byteCount, offset: $0.fileOffset)
        }
    }

    init(folder: HFModelFolder) {
        kind = "huggingface"
        path = folder.directory
        let c = folder.architecture.decoder
        let entries: [(String, Any?)] = [
            ("architecture", c.architectures.first), ("gguf_architecture", folder.architecture.ggufArchitecture),
            ("hidden_size", c.hiddenSize), ("intermediate_size", c.intermediateSize),
            ("num_hidden_layers", c.numHiddenLayers), ("num_attention_heads", c.numAttentionHeads),
            ("num_key_value_heads", c.keyValueHeads),
            ("num_attention_heads_per_layer", c.numAttentionHeadsPerLayer),
            ("num_key_value_heads_per_layer", c.numKeyValueHeadsPerLayer), ("head_dim", c.resolvedHeadDim),
            ("vocab_size", c.vocabSize), ("max_position_embeddings", c.maxPositionEmbeddings),
            ("rope_theta", c.ropeTheta), ("rope_scaling", c.ropeScaling?.type),
            ("rms_norm_eps", c.rmsNormEps), ("tie_word_embeddings", c.tieWordEmbeddings),
            ("torch_dtype", c.torchDtype), ("shards", folder.checkpoint.files.count),
        ]
        for (key, value) in entries {
            guard let value else { continue }
            metadata.append((key, value, "\(value)"))
        }
        for name in folder.checkpoint.tensorNames {
            guard let info = folder.checkpoint.info(named: name) else { continue }
            tensors.append(Row(name: name, shape: info.shape, type: info.dtype.rawValue, bytes: info.byteCount,
                               offset: info.fileOffset))
        }
    }

    private var textPreview: ((Int) -> [(key: String, text: String)])?

    var jsonObject: [String: Any] {
        var meta: [String: Any] = [:]
        for (key, value, _) in metadata { meta[key] = value }
        var object: [String: Any] = [
            "kind": kind, "path": path, "metadata": meta,
            "tensor_count": tensors.count,
            "total_bytes": tensors.reduce(0) { $0 + $1.bytes },
            "tensors": tensors.map {
                var row: [String: Any] = ["name": $0.name, "shape": $0.shape, "type": $0.type, "bytes": $0.bytes,
                                          "offset": $0.offset]
                if let part = $0.part { row["part"] = part }
                return row
            },
        ]
        if !parts.isEmpty { object["parts"] = parts }
        return object
    }

    func text(arrayPreview: Int) -> String {
        let split = parts.isEmpty ? "" : ", split into \(parts.count) parts"
        var lines = ["\(path) (\(kind)\(split))"]
        lines += parts.enumerated().map { "  part \($0.offset + 1): \($0.element)" }
        lines += ["", "metadata:"]
        let rendered = textPreview?(arrayPreview) ?? metadata.map { (key: $0.0, text: $0.2) }
        let keyWidth = min(48, rendered.map(\.key.count).max() ?? 0)
        for (key, value) in rendered {
            lines.append("  \(key.padding(toLength: keyWidth, withPad: " ", startingAt: 0))  \(value)")
        }
        lines.append("")
        lines.append("tensors: \(tensors.count), \(tensors.reduce(0) { $0 + $1.bytes }) bytes")
        let nameWidth = min(48, tensors.map(\.name.count).max() ?? 0)
        for t in tensors {
            let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append("  \(t.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0))  "
                + "\(t.type.padding(toLength: 5, withPad: " ", startingAt: 0))  "
                + "\(shape.padding(toLength: 16, withPad: " ", startingAt: 0))  \(t.bytes)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ value: GGUFValue) -> Any {
        switch value {
        case let .string(s): return s
        case let .bool(b): return b
        case let .float32(f): return Double(f)
        case let .float64(d): return d
        case let .array(_, values): return values.map(json)
        default: return value.intValue ?? 0
        }
    }

    static func text(_ value: GGUFValue, preview: Int) -> String {
        switch value {
        case let .string(s):
            let flat = s.replacingOccurrences(of: "\n", with: "\\n")
            return flat.count > 120 ? "\"\(flat.prefix(117))...\" (\(s.count) chars)" : "\"\(flat)\""
        case let .array(type, values):
            let shown = values.prefix(preview).map { text($0, preview: preview) }.joined(separator: ", ")
            let more = values.count > preview ? ", ..." : ""
            return "[\(shown)\(more)] (\(values.count) \(type))"
        case let .float32(f): return "\(f)"
        case let .float64(d): return "\(d)"
        case let .bool(b): return "\(b)"
        default: return "\(value.intValue ?? 0)"
        }
    }
}
