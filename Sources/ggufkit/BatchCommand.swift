import ArgumentParser
import Batch
import Calibration
import FileSupport
import Foundation

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Make every output of every model a YAML manifest lists, skipping files that are up to date.",
        discussion: """
            Each output is made by a child `ggufkit convert` or `quantize` in the manifest's output_dir; a file whose \
            recorded recipe (inputs, options, ggufkit version) is unchanged is skipped, so an interrupted or edited batch \
            is simply run again. --shard i/n (or Slurm's SLURM_ARRAY_TASK_ID/_COUNT/_MIN, or Kubernetes' \
            JOB_COMPLETION_INDEX with --shard-count) runs every n-th model. Exit code 2 when any job failed. \
            See docs/batch.md.
            """
    )

    @Argument(help: "The manifest (YAML).")
    var manifest: String

    @Option(name: .long, help: ArgumentHelp("Run only this shard, INDEX/COUNT (like 0/3): the models whose position in the manifest modulo COUNT is INDEX.",
                                            valueName: "i/n"))
    var shard: String?

    @Option(name: .long, help: "The number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes); also GGUFKIT_SHARD_COUNT.")
    var shardCount: Int?

    @Flag(name: .long, help: "Go on with the other jobs after one fails.")
    var keepGoing = false

    @Flag(name: .long, help: "Print the plan (what would be built or skipped, and how) and make nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Append the JSON-lines job log here (default: .ggufkit-batch/log.jsonl in the output folder, one file per shard).",
                                            valueName: "file"))
    var log: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let loaded: BatchManifest
        let chosen: Shard
        do {
            loaded = try BatchManifest.load(path: manifest)
            if let shard {
                chosen = try Shard(parsing: shard)
            } else {
                chosen = try Shard.fromEnvironment(ProcessInfo.processInfo.environment, countHint: shardCount) ?? .all
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let plan = BatchPlan(manifest: loaded, shard: chosen)
        do {
            try plan.checkNames()
        } catch {
            throw ValidationError("\(error)")
        }
        // Every job's options are checked before anything runs: a typo in the last output should not
        // surface hours into a batch.
        for job in BatchPlan(manifest: loaded, shard: .all).jobs {
            do {
                _ = try GGUFKit.parseAsRoot(job.arguments)
            } catch {
                throw ValidationError("\(job.id): \(GGUFKit.message(for: error))")
            }
        }
        let state = "\(loaded.outputDirectory)/\(BatchPlan.stateFolder)"
        let logPath = log ?? (chosen.count == 1 ? "\(state)/log.jsonl" : "\(state)/log-shard-\(chosen.index)-of-\(chosen.count).jsonl")
        var settings = BatchSettings(executable: Self.executablePath, version: GGUFKit.configuration.version,
                                     threads: common.threads, logPath: logPath)
        settings.keepGoing = keepGoing
        settings.dryRun = dryRun
        settings.say = common.logger
        if loaded.evaluation != nil, loaded.evaluation?.text == nil {
            settings.defaultEvaluationText = try Self.builtInText(folder: "\(state)/texts")
        }
        common.log("batch: \(loaded.models.count) models x \(loaded.outputs.count) outputs; shard \(chosen): \(plan.jobs.count) jobs in \(loaded.outputDirectory)")
        let outcome = try BatchRunner(plan: plan, settings: settings).run()
        if dryRun {
            for record in outcome.records {
                let status = record["status"] as? String ?? "?"
                let reason = (record["reason"] as? String).map { " (\($0))" } ?? ""
                print("\(status == "planned" ? "build" : status)\(reason): \(record["job"] ?? "")\n    \(record["command"] ?? "")")
            }
            return
        }
        if !common.quiet { print(BatchSummary.table(outcome.records)) }
        if let signal = outcome.interruption {
            FileHandle.standardError.write(Data("ggufkit: batch interrupted by signal \(signal); run it again to continue\n".utf8))
            Foundation.exit(128 + signal)
        }
        if outcome.failed > 0 {
            FileHandle.standardError.write(Data("ggufkit: \(outcome.failed) job(s) failed; see \(logPath)\n".utf8))
            throw ToolExitCode.jobsFailed
        }
    }

    /// The running executable, which the jobs run as children.
    static var executablePath: String {
        let link = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if FileManager.default.isExecutableFile(atPath: link), link != "/proc/self/exe" { return link }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// `compare` reads its text from a file: the built-in validation text is written out once.
    static func builtInText(folder: String) throws -> String {
        let document = try ValidationText.builtIn
        let path = "\(folder)/\(document.name)"
        let bytes = Data(document.text.utf8)
        if readWholeFile(atPath: path) != bytes {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        return path
    }
}
