import Evaluation
import FileSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of one `ggufkit batch` run.
public struct BatchSettings: Sendable {
    public var executable: String
    public var version: String
    public var threads: Int
    public var keepGoing = false
    public var dryRun = false
    /// The JSON-lines log (appended to).
    public var logPath: String
    /// The text `evaluate:` uses when the manifest names none.
    public var defaultEvaluationText: String?
    public var say: @Sendable (String) -> Void = { _ in }

    public init(executable: String, version: String, threads: Int, logPath: String) {
        self.executable = executable
        self.version = version
        self.threads = threads
        self.logPath = logPath
    }
}

/// The outcome of a batch run: one log record per job that was looked at.
public struct BatchOutcome {
    public var records: [[String: Any]]
    public var failed: Int { records.filter { $0["status"] as? String == "failed" }.count }
    /// The signal that stopped the run early, if one did.
    public var interruption: Int32?
}

/// Runs a plan: skips files whose recipe is unchanged, makes the others with child `ggufkit`
/// processes in the output folder, evaluates each model's outputs with `compare`, and appends one
/// JSON line per job to the log.
public final class BatchRunner {
    let plan: BatchPlan
    let settings: BatchSettings
    let children: ChildRunner
    var folder: String { plan.manifest.outputDirectory }
    var state: String { "\(folder)/\(BatchPlan.stateFolder)" }

    public init(plan: BatchPlan, settings: BatchSettings) {
        self.plan = plan
        self.settings = settings
        children = ChildRunner(executable: settings.executable)
    }

    public func run() throws -> BatchOutcome {
        try FileManager.default.createDirectory(atPath: "\(state)/logs", withIntermediateDirectories: true)
        if !settings.dryRun { children.handleInterrupts() }
        var outcome = BatchOutcome(records: [], interruption: nil)
        let groups = Dictionary(grouping: plan.jobs, by: \.modelIndex).sorted { $0.key < $1.key }
        for (_, jobs) in groups {
            let records = try runModel(jobs)
            outcome.records += records
            if !settings.dryRun { try appendLog(records) }
            outcome.interruption = children.interruption
            if outcome.interruption != nil { break }
            if !settings.keepGoing, records.contains(where: { $0["status"] as? String == "failed" }) { break }
        }
        return outcome
    }

    private func base(_ job: BatchJob) -> [String: Any] {
        ["job": job.id, "kind": job.kind.rawValue, "model": job.model.name, "model_path": job.model.path,
         "output": job.fileName, "type": job.output?.type ?? "imatrix", "shard": plan.shard.description,
         "command": (["ggufkit"] + job.arguments).joined(separator: " ")]
    }

    private func runModel(_ jobs: [BatchJob]) throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        let fingerprint: String
        do {
            fingerprint = try ModelFingerprint.of(path: jobs[0].model.path)
        } catch {
            return jobs.map { base($0).merging(["status": "failed", "error": "\(error)"]) { $1 } }
        }
        var stop = false
        for job in jobs {
            var record = base(job)
            if stop {
                record["status"] = "not run"
                records.append(record)
                continue
            }
            do {
                record = try runJob(job, fingerprint: fingerprint, base: record)
            } catch {
                record["status"] = "failed"
                record["error"] = "\(error)"
            }
            records.append(record)
            if children.interruption != nil { stop = true }
            if record["status"] as? String == "failed", !settings.keepGoing { stop = true }
        }
        if let evaluation = plan.manifest.evaluation, !stop || settings.keepGoing, children.interruption == nil {
            try evaluate(&records, jobs: jobs, evaluation: evaluation, fingerprint: fingerprint)
        }
        return records
    }

    /// Whether `job`'s file is there with the bytes and recipe recorded.
    private func upToDate(_ job: BatchJob, recipe: Recipe) -> (JobRecord?, String) {
        let path = "\(folder)/\(job.fileName)"
        guard let record = JobRecord.load(JobRecord.path(folder: folder, job: job)) else { return (nil, "new") }
        guard record.recipeHash == recipe.hash else { return (nil, "recipe changed") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? Int) == record.size else { return (nil, "file missing or changed") }
        guard let sha = try? SHA256.hex(ofFile: path), sha == record.sha256 else { return (nil, "file changed") }
        return (record, "up to date")
    }

    private func runJob(_ job: BatchJob, fingerprint: String, base: [String: Any]) throws -> [String: Any] {
        var record = base
        let recipe: Recipe
        do {
            recipe = try Recipe.of(job, version: settings.version, modelFingerprint: fingerprint, outputFolder: folder)
        } catch where settings.dryRun && job.output?.sharedImportanceMatrix == true {
            record["status"] = "planned"
            record["reason"] = "after the calibration run"
            return record
        } catch {
            let reason = job.output?.sharedImportanceMatrix == true
                ? "the model's calibration run did not produce \(job.arguments.last ?? "its matrix"): \(error)" : "\(error)"
            throw BatchError.cannotRun(command: job.id, reason: reason)
        }
        record["recipe_hash"] = recipe.hash
        let (existing, reason) = upToDate(job, recipe: recipe)
        if let existing {
            for key in ["sha256", "size", "bits_per_weight", "seconds", "max_resident_bytes", "validation", "evaluation"] {
                record[key] = existing.fields[key]
            }
            record["status"] = "skipped"
            settings.say("\(job.id): up to date, skipped")
            return record
        }
        if settings.dryRun {
            record["status"] = "planned"
            record["reason"] = reason
            return record
        }
        settings.say("\(job.id): building (\(reason))")
        let outputPath = "\(folder)/\(job.fileName)"
        try FileManager.default.createDirectory(atPath: (outputPath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        removeStalePartials(of: outputPath)
        let logPath = "\(state)/logs/\(job.id.replacingOccurrences(of: "/", with: "__")).log"
        let result = try children.run(job.arguments + ["-t", "\(settings.threads)"], directory: folder, logPath: logPath)
        removeStalePartials(of: outputPath)
        record["seconds"] = (result.seconds * 1000).rounded() / 1000
        record["max_resident_bytes"] = result.maxResidentBytes
        record["log"] = logPath
        var report: [String: Any] = [:]
        if job.kind == .output, !result.stdout.isEmpty {
            report = (try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]) ?? [:]
            record["bits_per_weight"] = report["bits_per_weight"]
            record["validation"] = report["validation"]
        }
        guard result.exitStatus == 0 else {
            // A job stopped by the batch's own Ctrl-C or SIGTERM did not fail: the next run makes it.
            record["status"] = result.signal != nil && children.interruption != nil ? "interrupted" : "failed"
            record["error"] = failure(result, logPath: logPath)
            return record
        }
        guard FileManager.default.fileExists(atPath: outputPath) else {
            record["status"] = "failed"
            record["error"] = "the job finished but \(job.fileName) is not there"
            return record
        }
        record["sha256"] = try SHA256.hex(ofFile: outputPath)
        record["size"] = (try FileManager.default.attributesOfItem(atPath: outputPath)[.size] as? Int) ?? 0
        record["status"] = "built"
        var stored = record
        stored["recipe"] = recipe.fields
        stored.removeValue(forKey: "status")
        try JobRecord(fields: stored).save(JobRecord.path(folder: folder, job: job))
        return record
    }

    /// The child's own error line, or how it ended.
    private func failure(_ result: ChildResult, logPath: String) -> String {
        if let signal = result.signal { return "killed by signal \(signal)" }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let lines = log.split(separator: "\n").map(String.init)
        let line = lines.last { $0.hasPrefix("ggufkit: ") || $0.hasPrefix("Error: ") } ?? lines.last ?? ""
        return "exit \(result.exitStatus ?? -1): \(line)"
    }

    /// A killed job leaves its temporary `.NAME.PID.RANDOM.partial`; remove those whose process is gone
    /// (the child just waited for included).
    private func removeStalePartials(of path: String) {
        AtomicOutputFile.removeStaleTemporaries(of: path)
    }

    private func evaluate(_ records: inout [[String: Any]], jobs: [BatchJob], evaluation: BatchManifest.Evaluation,
                          fingerprint: String) throws {
        guard let text = evaluation.text ?? settings.defaultEvaluationText else { return }
        let textIdentity = try ModelFingerprint.of(path: text)
        let keyFields = [settings.version, fingerprint, textIdentity, "\(evaluation.chunks)", "\(evaluation.context)"]
        let key = SHA256.hex([UInt8](keyFields.joined(separator: "\n").utf8))
        var pending: [Int] = []
        for (index, job) in jobs.enumerated() where job.kind == .output {
            let status = records[index]["status"] as? String
            guard status == "built" || status == "skipped" || status == "planned" else { continue }
            if status == "skipped", let stored = JobRecord.load(JobRecord.path(folder: folder, job: job)),
               stored.evaluationKey == key {
                continue
            }
            pending.append(index)
        }
        guard !pending.isEmpty, !settings.dryRun else { return }
        let model = jobs[0].model
        let textName = (text as NSString).lastPathComponent
        let cache = "\(state)/logprobs/\(model.name)-\(textName)-c\(evaluation.context)x\(evaluation.chunks).klp"
        try FileManager.default.createDirectory(atPath: "\(state)/logprobs", withIntermediateDirectories: true)
        let arguments = ["compare", model.path] + pending.map { jobs[$0].fileName }
            + ["-f", text, "-c", "\(evaluation.context)", "--chunks", "\(evaluation.chunks)", "--base-cache", cache, "--json",
               "-t", "\(settings.threads)"]
        settings.say("\(model.name): evaluating \(pending.count) file(s) on \(textName)")
        let logPath = "\(state)/logs/\(model.name)__evaluate.log"
        removeStalePartials(of: cache)
        let result = try children.run(arguments, directory: folder, logPath: logPath)
        removeStalePartials(of: cache)
        guard result.exitStatus == 0,
              let document = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
              let candidates = document["candidates"] as? [[String: Any]], candidates.count == pending.count else {
            let reason = "evaluation failed: " + failure(result, logPath: logPath)
            for index in pending {
                records[index]["status"] = "failed"
                records[index]["error"] = reason
            }
            return
        }
        let originalPerplexity = (document["original"] as? [String: Any])?["perplexity"]
        for (index, candidate) in zip(pending, candidates) {
            var figures: [String: Any] = ["text": text, "chunks": document["chunks"] ?? evaluation.chunks,
                                          "context": evaluation.context, "original_perplexity": originalPerplexity ?? NSNull()]
            for field in ["perplexity", "perplexity_error", "delta_perplexity", "kl_divergence_mean", "kl_divergence_p99",
                          "top1_agreement", "tokens_per_second"] {
                figures[field] = candidate[field]
            }
            records[index]["evaluation"] = figures
            let path = JobRecord.path(folder: folder, job: jobs[index])
            if var stored = JobRecord.load(path) {
                stored.fields["evaluation"] = figures
                stored.fields["evaluation_key"] = key
                try stored.save(path)
            }
        }
    }

    private func appendLog(_ records: [[String: Any]]) throws {
        var text = ""
        for record in records {
            var line = record
            line["time"] = ISO8601DateFormatter().string(from: Date())
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        let path = settings.logPath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw BatchError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        // One write per model: O_APPEND keeps concurrent shards' lines whole on a local file system.
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw BatchError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
