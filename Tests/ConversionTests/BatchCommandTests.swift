import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `ggufkit batch` end to end on stories260K: skipping, rebuilding on a changed recipe, shards that
/// add up to the whole batch, and a run killed with SIGKILL that the next run completes.
@Suite("ggufkit batch", .enabled(if: CLI.binary != nil, CLI.skipReason), .serialized)
struct BatchCommandTests {
    /// The .gguf files a batch left in `folder` (the state folder aside), with their bytes.
    static func outputs(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".gguf") && !name.hasPrefix(".") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
        return files
    }

    static func logRecords(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// SIGKILLs `pid` and every process below it (found through /proc's parent ids).
    static func killTree(_ pid: Int32) {
        var tree: [Int32] = [pid]
        var index = 0
        let processes = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
        var parents: [Int32: Int32] = [:]
        for process in processes {
            guard let stat = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[process] = parent }
        }
        while index < tree.count {
            tree += parents.filter { $0.value == tree[index] }.map(\.key)
            index += 1
        }
        for process in tree { kill(process, SIGKILL) }
    }

    static func write(_ yaml: String, to path: String) throws {
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("a rerun skips everything; a changed output type rebuilds only that output; the log holds each job's figures")
    func resume() throws {
        guard let model = References.stories260K() else { return }
        let folder = try TemporaryDirectory()
        let manifest = folder.file("batch.yaml")
        func yaml(smallType: String) -> String {
            """
            output_dir: out
            models: [{path: \(model), name: tiny}]
            outputs:
              - type: q8_0
              - {type: \(smallType), name: small, keep: ["attn_v=q8_0"]}
              - {type: q4_k_m, imatrix: true}
            calibration: {chunks: 2, context: 32}
            evaluate: {chunks: 2, context: 32}
            """
        }
        try Self.write(yaml(smallType: "q4_0"), to: manifest)
        let first = try CLI.run(["batch", manifest])
        try #require(first.status == 0, "\(first.output)")
        let log = folder.file("out/.ggufkit-batch/log.jsonl")
        let built = try Self.logRecords(log)
        #expect(built.map { $0["status"] as? String } == ["built", "built", "built", "built"])
        #expect(built.map { $0["job"] as? String } == ["tiny/calibration", "tiny/q8_0", "tiny/small", "tiny/q4_k_m"])
        let outputs = try Self.outputs(folder.file("out"))
        #expect(outputs.keys.sorted() == ["tiny-q4_k_m.gguf", "tiny-q8_0.gguf", "tiny-small.gguf"])
        for record in built.dropFirst() {
            #expect((record["sha256"] as? String)?.count == 64)
            #expect(record["size"] as? Int == outputs[record["output"] as? String ?? ""]?.count)
            #expect((record["bits_per_weight"] as? Double ?? 0) > 4)
            #expect((record["max_resident_bytes"] as? Int ?? 0) > 1_000_000)
            let evaluation = try #require(record["evaluation"] as? [String: Any], "\(record)")
            #expect((evaluation["kl_divergence_mean"] as? Double ?? -1) >= 0)
            #expect(record["error"] == nil)
        }
        #expect(first.stdout.contains("tiny/q4_k_m"), "the summary table lists the jobs")
        // One cached original per model and text.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out/.ggufkit-batch/logprobs")).count == 1)

        let second = try CLI.run(["batch", manifest])
        try #require(second.status == 0, "\(second.output)")
        let skipped = try Self.logRecords(log).suffix(4)
        #expect(skipped.map { $0["status"] as? String } == ["skipped", "skipped", "skipped", "skipped"])
        #expect(skipped.dropFirst().allSatisfy { $0["evaluation"] is [String: Any] })
        #expect(!second.stderr.contains("evaluating"), "\(second.stderr)")
        #expect(try Self.outputs(folder.file("out")) == outputs)

        try Self.write(yaml(smallType: "q5_0"), to: manifest)
        let third = try CLI.run(["batch", manifest])
        try #require(third.status == 0, "\(third.output)")
        let changed = try Self.logRecords(log).suffix(4)
        #expect(changed.map { $0["status"] as? String } == ["skipped", "skipped", "built", "skipped"])
        let after = try Self.outputs(folder.file("out"))
        #expect(after["tiny-q8_0.gguf"] == outputs["tiny-q8_0.gguf"])
        #expect(after["tiny-small.gguf"] != outputs["tiny-small.gguf"])
    }

    /// Three models (the folder, an F32 GGUF of it, the folder again under another name) so each of
    /// three shards has one.
    func shardedManifest(model: String, gguf: String, output: String) -> String {
        """
        output_dir: \(output)
        models:
          - {path: \(model), name: a}
          - {path: \(gguf), name: b}
          - {path: \(model), name: c}
        outputs:
          - type: f32
          - {type: q4_k_m, imatrix: true}
        calibration: {chunks: 2, context: 32}
        """
    }

    /// stories260K as an F32 GGUF and the unsharded batch of `shardedManifest` run on it into `whole/`.
    private func wholeRun() throws -> (model: String, gguf: String, folder: TemporaryDirectory)? {
        guard let model = References.stories260K() else { return nil }
        let folder = try TemporaryDirectory()
        let gguf = folder.file("f32.gguf")
        let converted = try CLI.run(["convert", model, "-o", gguf, "--type", "f32", "-q"])
        try #require(converted.status == 0, "\(converted.output)")
        try Self.write(shardedManifest(model: model, gguf: gguf, output: "whole"), to: folder.file("whole.yaml"))
        let whole = try CLI.run(["batch", folder.file("whole.yaml"), "-q"])
        try #require(whole.status == 0, "\(whole.output)")
        return (model, gguf, folder)
    }

    @Test("shards 0/3, 1/3 and 2/3 (also from Slurm and Kubernetes variables) make exactly the unsharded files")
    func shards() throws {
        guard let (model, gguf, folder) = try wholeRun() else { return }
        try Self.write(shardedManifest(model: model, gguf: gguf, output: "parts"), to: folder.file("parts.yaml"))
        let expected = try Self.outputs(folder.file("whole"))
        #expect(expected.count == 6)

        let plain = try CLI.run(["batch", folder.file("parts.yaml"), "--shard", "0/3", "-q"])
        try #require(plain.status == 0, "\(plain.output)")
        #expect(try Self.outputs(folder.file("parts")).keys.sorted() == ["a-f32.gguf", "a-q4_k_m.gguf"])
        let binary = try #require(CLI.binary)
        let slurm = try ChildProcess.run("/usr/bin/env", ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1",
                                                          "SLURM_ARRAY_TASK_COUNT": "3"].map { "\($0)=\($1)" }
                                         + [binary, "batch", folder.file("parts.yaml"), "-q"])
        try #require(slurm.status == 0, "\(slurm.output)")
        let kubernetes = try ChildProcess.run("/usr/bin/env", ["JOB_COMPLETION_INDEX=2", binary, "batch",
                                                               folder.file("parts.yaml"), "--shard-count", "3", "-q"])
        try #require(kubernetes.status == 0, "\(kubernetes.output)")
        #expect(try Self.outputs(folder.file("parts")) == expected)
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.file("parts/.ggufkit-batch")).filter { $0.hasSuffix(".jsonl") }
        #expect(logs.sorted() == ["log-shard-0-of-3.jsonl", "log-shard-1-of-3.jsonl", "log-shard-2-of-3.jsonl"])
    }

    @Test("a batch killed with SIGKILL while writing leaves no output half-written, and the next run completes it")
    func killed() throws {
        guard let (model, gguf, folder) = try wholeRun() else { return }
        let expected = try Self.outputs(folder.file("whole"))

        try Self.write(shardedManifest(model: model, gguf: gguf, output: "killed"), to: folder.file("killed.yaml"))
        let output = try folder.folder("killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CLI.binary))
        process.arguments = ["batch", folder.file("killed.yaml"), "-q"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var caughtWriting = false
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
            // The second output file being written: at least one finished file is there already.
            if names.contains(where: { $0.hasSuffix(".partial") }), names.contains(where: { $0.hasSuffix(".gguf") }) {
                caughtWriting = true
                break
            }
            usleep(1000)
        }
        // The batch and its running job die together, as under a scheduler's kill.
        Self.killTree(process.processIdentifier)
        process.waitUntilExit()
        #expect(caughtWriting, "the batch finished before a file was caught half-written")
        let partial = try Self.outputs(output)
        #expect(partial.count < expected.count)
        for (name, bytes) in partial { #expect(bytes == expected[name], "\(name) is not the uninterrupted run's file") }

        let rerun = try CLI.run(["batch", folder.file("killed.yaml"), "-q"])
        try #require(rerun.status == 0, "\(rerun.output)")
        #expect(try Self.outputs(output) == expected)
        let leftovers = FileManager.default.enumerator(atPath: output)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".partial") } ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("--dry-run makes nothing; a bad output option is a usage error before anything runs; a failed job gives exit 2")
    func planAndFailures() throws {
        guard let model = References.stories260K() else { return }
        let folder = try TemporaryDirectory()
        let manifest = folder.file("batch.yaml")
        try Self.write("output_dir: out\nmodels: [\(model)]\noutputs: [{type: q8_0}, {type: q4_0, pure: true}]\n", to: manifest)
        let dry = try CLI.run(["batch", manifest, "--dry-run"])
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("build (new): stories260K/q4_0"), "\(dry.stdout)")
        #expect(dry.stdout.contains("--type q4_0 --pure"), "\(dry.stdout)")
        #expect(try Self.outputs(folder.file("out")).isEmpty)

        try Self.write("models: [\(model)]\noutputs: [{type: q8_0}, {type: q4_0, no-such-option: 3}]\n", to: manifest)
        let bad = try CLI.run(["batch", manifest])
        #expect(bad.status == 64, "\(bad.output)")
        #expect(bad.stderr.contains("stories260K/q4_0"), "\(bad.stderr)")

        try Self.write("output_dir: out\nmodels: [\(model), /nonexistent/model]\noutputs: [{type: q8_0}]\n", to: manifest)
        let failed = try CLI.run(["batch", manifest, "--keep-going"])
        #expect(failed.status == 2, "\(failed.output)")
        let records = try Self.logRecords(folder.file("out/.ggufkit-batch/log.jsonl"))
        #expect(records.map { $0["status"] as? String } == ["built", "failed"])
        #expect((records[1]["error"] as? String)?.contains("/nonexistent/model") == true)
    }
}
