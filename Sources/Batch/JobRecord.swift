import Evaluation
import FileSupport
import Foundation

/// What makes a job's file: the ggufkit version, the arguments (the model's path left out, so a
/// moved model keeps its recipe) and the identity of every input file. A file whose recorded
/// recipe equals the current one is up to date.
public struct Recipe: Sendable {
    public var fields: [String: Any] { ["version": version, "arguments": arguments, "inputs": inputs] }
    public var version: String
    public var arguments: [String]
    /// Input name → fingerprint (``ModelFingerprint`` for models and texts, SHA-256 for an importance matrix).
    public var inputs: [String: String]

    public var hash: String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return SHA256.hex([UInt8](data))
    }

    /// The recipe of `job`, given the fingerprints already worked out for its model.
    static func of(_ job: BatchJob, version: String, modelFingerprint: String, outputFolder: String) throws -> Recipe {
        var arguments = job.arguments
        var inputs = ["model": modelFingerprint]
        for index in arguments.indices where arguments[index] == job.model.path { arguments[index] = "{model}" }
        let pathFlags = Set(BatchManifest.pathOptions.map { "--\($0)" } + ["-f"])
        for index in arguments.indices.dropLast() where pathFlags.contains(arguments[index]) {
            let value = arguments[index + 1]
            guard value != "default" else { continue }
            let path = value.hasPrefix("/") ? value : (outputFolder as NSString).appendingPathComponent(value)
            // The shared importance matrix is small and changes in content only: hash it whole.
            inputs[arguments[index] + " " + value] = value.hasPrefix(BatchPlan.stateFolder)
                ? try SHA256.hex(ofFile: path) : try ModelFingerprint.of(path: path)
        }
        return Recipe(version: version, arguments: arguments, inputs: inputs)
    }
}

/// The record kept for each file a batch made, in `.ggufkit-batch/records/`: its recipe and what
/// the job measured, so an up-to-date file is skipped with its figures intact.
public struct JobRecord {
    public var fields: [String: Any]

    public var recipeHash: String? { fields["recipe_hash"] as? String }
    public var sha256: String? { fields["sha256"] as? String }
    public var size: Int? { fields["size"] as? Int }
    public var evaluationKey: String? { fields["evaluation_key"] as? String }

    public init(fields: [String: Any]) {
        self.fields = fields
    }

    static func path(folder: String, job: BatchJob) -> String {
        let name = (job.fileName as NSString).lastPathComponent
        let kind = job.kind == .calibration ? "calibration-" : ""
        return "\(folder)/\(BatchPlan.stateFolder)/records/\(kind)\(name).json"
    }

    static func load(_ path: String) -> JobRecord? {
        guard let data = readWholeFile(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return JobRecord(fields: object)
    }

    func save(_ path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let file = try AtomicOutputFile(path: path)
        try file.write([UInt8](data))
        try file.commit()
    }
}
