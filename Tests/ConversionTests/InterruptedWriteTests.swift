import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A conversion stopped from outside (signals, a full disk, a file-size limit, an input cut
/// short while it is read) must leave the output path as it was and no temporary file behind,
/// or, after SIGKILL, only a temporary file that the next run removes.
@Suite("interrupted and failing writes", .serialized, .enabled(if: CLI.binary != nil, CLI.skipReason))
struct InterruptedWriteTests {
    private static let previous = Array("an earlier conversion's output".utf8)

    /// About 9 MB of F32: a Q4_K conversion on one thread takes long enough to be stopped
    /// part-way, whatever the build.
    private func writeModel(to folder: String) throws {
        var model = TinyModel.llama
        model.hidden = 256
        model.intermediate = 512
        model.layers = 2
        model.vocab = 2048
        model.dtypes = .all(.f32)
        try model.write(to: folder)
    }

    private func convertArguments(_ model: String, _ output: String) -> [String] {
        ["convert", model, "-o", output, "--type", "q4_k_s", "-t", "1", "--force", "-q"]
    }

    private func partials(in folder: String) -> [String] {
        entries(of: folder).filter { $0.hasSuffix(".partial") }
    }

    private func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    /// Starts `ggufkit`, waits until its temporary output exists (the inputs' headers are read
    /// and writing has begun) and then `delay` seconds more. Returns nil when the process ended
    /// first. (The writer buffers a few MiB, so the temporary file's size says little.)
    private func startAndWait(_ arguments: [String], folder: String, delay: TimeInterval = 0,
                              errPath: String) throws -> Process? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CLI.binary))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline && partials(in: folder).isEmpty {
            usleep(1_000)
        }
        if process.isRunning && delay > 0 { usleep(UInt32(delay * 1e6)) }
        if process.isRunning && !partials(in: folder).isEmpty { return process }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stderr = String(decoding: (try? readBytes(errPath)) ?? [], as: UTF8.self)
        Issue.record("the conversion ended (status \(process.terminationStatus)) before it could be stopped: \(stderr)")
        return nil
    }

    @Test("SIGKILL at several points leaves the earlier output; the next run removes the leftover and writes the same bytes")
    func sigkill() throws {
        let scratch = try TemporaryDirectory()
        try writeModel(to: scratch.file("m"))
        let reference = try scratch.folder("reference")
        // How long writing takes, from the temporary file's creation to the end.
        let whole = try #require(try startAndWait(convertArguments(scratch.file("m"), reference + "/out.gguf"),
                                                  folder: reference, errPath: scratch.file("stderr")))
        let started = Date()
        whole.waitUntilExit()
        let duration = Date().timeIntervalSince(started)
        #expect(whole.terminationStatus == 0)
        let expected = try readBytes(reference + "/out.gguf")

        let out = try scratch.folder("out")
        let output = out + "/out.gguf"
        try writeBytes(Self.previous, to: output)
        // As soon as writing starts, then a quarter and half of the way through a whole run's writing.
        for fraction in [0.0, 0.25, 0.5] {
            guard let process = try startAndWait(convertArguments(scratch.file("m"), output), folder: out,
                                                 delay: duration * fraction,
                                                 errPath: scratch.file("stderr")) else { return }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
            #expect(try readBytes(output) == Self.previous, "killed at \(fraction): the output path changed")
            // Each run removed the temporary file its killed predecessor left, so only its own remains.
            #expect(partials(in: out).count == 1, "killed at \(fraction): \(entries(of: out))")
        }
        // The next run removes the dead process's temporary file before writing its own.
        let rerun = try CLI.run(convertArguments(scratch.file("m"), output))
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try readBytes(output) == expected)
        #expect(entries(of: out) == ["out.gguf"])
    }

    @Test("SIGINT, SIGTERM and SIGHUP delete the temporary file and end the process by the signal",
          arguments: [SIGINT, SIGTERM, SIGHUP])
    func stopSignals(signal: Int32) throws {
        let scratch = try TemporaryDirectory()
        try writeModel(to: scratch.file("m"))
        let out = try scratch.folder("out")
        let output = out + "/out.gguf"
        try writeBytes(Self.previous, to: output)
        guard let process = try startAndWait(convertArguments(scratch.file("m"), output), folder: out,
                                             errPath: scratch.file("stderr")) else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
        #expect(try readBytes(output) == Self.previous)
        #expect(entries(of: out) == ["out.gguf"])
    }

    @Test("an input truncated while it is being read gives an error naming it, and no output")
    func truncatedInput() throws {
        let scratch = try TemporaryDirectory()
        try writeModel(to: scratch.file("m"))
        let weights = scratch.file("m") + "/model.safetensors"
        let out = try scratch.folder("out")
        let errPath = scratch.file("stderr")
        guard let process = try startAndWait(convertArguments(scratch.file("m"), out + "/out.gguf"),
                                             folder: out, errPath: errPath) else { return }
        #expect(truncate(weights, off_t(size(of: weights) / 4)) == 0)
        process.waitUntilExit()
        let stderr = String(decoding: try readBytes(errPath), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.hasPrefix("ggufkit: error: \(weights): the file became shorter while it was being read"), "\(stderr)")
        #expect(entries(of: out).isEmpty)
    }

    @Test("a file-size limit (ulimit -f) gives an error naming the output, and nothing is left")
    func fileSizeLimit() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let out = try scratch.folder("out")
        let binary = try #require(CLI.binary)
        let script = "ulimit -f 4; exec \"\(binary)\" convert \"\(scratch.file("m"))\" -o \"\(out)/out.gguf\" --type f32 -q"
        let result = try ChildProcess.run("/bin/bash", ["-c", script])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ggufkit: error: \(out)/out.gguf: cannot write: File too large"), "\(result.stderr)")
        #expect(entries(of: out).isEmpty)
    }

    @Test("a full file system gives an error naming the output, and nothing is left",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"), "needs unshare(1) to mount a tmpfs"))
    func fullFileSystem() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let out = try scratch.folder("small")
        let binary = try #require(CLI.binary)
        // A 16 KiB tmpfs in a private mount namespace: nothing outside this shell sees it.
        let script = """
            mount -t tmpfs -o size=16k ggufkit-test "\(out)" || exit 99
            "\(binary)" convert "\(scratch.file("m"))" -o "\(out)/out.gguf" --type f32 -q
            status=$?
            echo "left: $(ls -A "\(out)")"
            exit $status
            """
        let result = try ChildProcess.run("/usr/bin/unshare", ["--user", "--map-root-user", "--mount", "/bin/bash", "-c", script])
        // Containers without user namespaces cannot mount one; the `ulimit -f` test covers the same path there.
        guard result.status != 99 && !result.stderr.hasPrefix("unshare:") else {
            print("skipping: could not mount a tmpfs in a private namespace: \(result.stderr)")
            return
        }
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ggufkit: error: \(out)/out.gguf: cannot write: No space left on device"),
                "\(result.stderr)")
        #expect(result.stdout == "left: \n")
    }
}
