import Foundation

/// One file a batch makes: an output of a model, or a model's shared importance matrix.
public struct BatchJob: Equatable, Sendable {
    public enum Kind: String, Sendable { case calibration, output }

    public var kind: Kind
    public var modelIndex: Int
    public var model: BatchManifest.Model
    /// The manifest's output (`nil` for the calibration run).
    public var output: BatchManifest.Output?
    /// The file written, relative to the output folder (children run there, so paths recorded in
    /// the files, like `quantize.imatrix.file`, do not depend on where the folder is).
    public var fileName: String
    /// The `ggufkit` arguments that make the file (threads are added when it runs: they do not
    /// change the bytes).
    public var arguments: [String]

    /// `model/output`, or `model/calibration`.
    public var id: String { "\(model.name)/\(output?.name ?? "calibration")" }
}

/// The jobs of one shard of a manifest, in order: per model, its calibration run first, then its
/// outputs in manifest order.
public struct BatchPlan: Sendable {
    public static let stateFolder = ".ggufkit-batch"

    public var manifest: BatchManifest
    public var shard: Shard
    public var jobs: [BatchJob]

    public init(manifest: BatchManifest, shard: Shard) {
        self.manifest = manifest
        self.shard = shard
        var jobs: [BatchJob] = []
        for (index, model) in manifest.models.enumerated() where shard.contains(modelIndex: index) {
            let imatrix = "\(Self.stateFolder)/imatrix/\(model.name).imatrix.gguf"
            if manifest.outputs.contains(where: \.sharedImportanceMatrix) {
                var arguments = ["imatrix", model.path, "-o", imatrix, "--chunks", "\(manifest.calibration.chunks)",
                                 "-c", "\(manifest.calibration.context)", "--force"]
                if let text = manifest.calibration.text { arguments += ["-f", text] }
                jobs.append(BatchJob(kind: .calibration, modelIndex: index, model: model, output: nil, fileName: imatrix,
                                     arguments: arguments))
            }
            for output in manifest.outputs {
                let fileName = manifest.nameTemplate.replacingOccurrences(of: "{model}", with: model.name)
                    .replacingOccurrences(of: "{output}", with: output.name)
                    .replacingOccurrences(of: "{type}", with: output.type)
                var arguments = model.path.lowercased().hasSuffix(".gguf")
                    ? ["quantize", model.path, fileName, output.type]
                    : ["convert", model.path, "-o", fileName, "--type", output.type]
                if output.sharedImportanceMatrix { arguments += ["--imatrix", imatrix] }
                arguments += output.arguments + ["--force", "--json"]
                jobs.append(BatchJob(kind: .output, modelIndex: index, model: model, output: output, fileName: fileName,
                                     arguments: arguments))
            }
        }
        self.jobs = jobs
    }

    /// Output file names must differ, or two jobs would write one file.
    public func checkNames() throws(BatchError) {
        var seen: [String: String] = [:]
        for job in BatchPlan(manifest: manifest, shard: .all).jobs {
            if let other = seen[job.fileName] {
                throw .invalidManifest(path: manifest.path, line: nil,
                                       reason: "\(other) and \(job.id) would both write \(job.fileName); change name: or the outputs' names")
            }
            seen[job.fileName] = job.id
        }
    }
}
