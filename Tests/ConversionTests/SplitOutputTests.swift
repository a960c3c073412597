import Foundation
import GGUF
import Testing
import TestSupport

/// `convert`/`quantize --split-max-tensors` write llama.cpp's split parts, and every reading
/// command takes the first part for the whole model. Runs the ggufkit executable on stories260K.
@Suite("Split output", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct SplitOutputTests {
    /// stories260K as Q8_0, once whole and once in parts of 20 tensors (47 tensors: 3 parts).
    struct Files {
        let directory: TemporaryDirectory
        let single: String
        let parts: [String]
    }

    static func convert() throws -> Files? {
        guard let model = References.stories260K() else { return nil }
        let directory = try TemporaryDirectory()
        let single = directory.file("single.gguf")
        let made = try CLI.run(["convert", model, "-o", single, "--type", "q8_0", "-q"])
        try #require(made.status == 0, "\(made.stderr)")
        let split = try CLI.run(["convert", model, "-o", directory.file("split.gguf"), "--type", "q8_0",
                                 "--split-max-tensors", "20", "-q"])
        try #require(split.status == 0, "\(split.stderr)")
        let parts = (1 ... 3).map { directory.file("split-0000\($0)-of-00003.gguf") }
        return Files(directory: directory, single: single, parts: parts)
    }

    @Test("the parts hold the single file's tensors, and inspect, perplexity and quantize read them from the first part")
    func readBack() throws {
        guard let files = try Self.convert() else { return }
        #expect(files.directory.entries == ["single.gguf"] + files.parts.map { ($0 as NSString).lastPathComponent })

        let single = try GGUFFile(path: files.single), split = try GGUFFile(path: files.parts[0])
        #expect(split.tensors.count == 47 && split.tensors.map(\.name) == single.tensors.map(\.name))
        for info in single.tensors {
            #expect(Array(split.data(named: info.name) ?? .init(start: nil, count: 0)) == Array(single.data(for: info)))
        }

        let inspected = try CLI.run(["inspect", files.parts[0], "--json"])
        try #require(inspected.status == 0, "\(inspected.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: inspected.stdoutData) as? [String: Any])
        #expect(report["tensor_count"] as? Int == 47)
        #expect(report["parts"] as? [String] == files.parts)

        let text = try #require(References.locate(TestAssets.shared, "../shared")) + "/text/tinystories/valid-sample.txt"
        func perplexity(_ path: String) throws -> Double? {
            let run = try CLI.run(["perplexity", path, "-f", text, "-c", "128", "--chunks", "2", "--json", "-q"])
            try #require(run.status == 0, "\(run.stderr)")
            return (try JSONSerialization.jsonObject(with: run.stdoutData) as? [String: Any])?["perplexity"] as? Double
        }
        let whole = try #require(try perplexity(files.single))
        #expect(try perplexity(files.parts[0]) == whole)

        let fromSingle = files.directory.file("q-single.gguf"), fromSplit = files.directory.file("q-split.gguf")
        for (input, output) in [(files.single, fromSingle), (files.parts[0], fromSplit)] {
            let run = try CLI.run(["quantize", input, output, "q4_0", "-q"])
            try #require(run.status == 0, "\(run.stderr)")
        }
        #expect(try readBytes(fromSplit) == readBytes(fromSingle))

        let later = try CLI.run(["inspect", files.parts[1]])
        #expect(later.status == 1 && later.stderr.contains("open its first part"))
    }

    @Test("quantize writes parts too, and refuses to replace existing parts without --force")
    func quantizeSplit() throws {
        guard let files = try Self.convert() else { return }
        let output = files.directory.file("q.gguf")
        let run = try CLI.run(["quantize", files.parts[0], output, "q4_0", "--split-max-size", "100K", "-q"])
        try #require(run.status == 0, "\(run.stderr)")
        let written = files.directory.entries.filter { $0.hasPrefix("q-") }
        #expect(written.count > 1 && written.allSatisfy { $0.hasSuffix("-of-0000\(written.count).gguf") })
        let again = try CLI.run(["quantize", files.parts[0], output, "q4_0", "--split-max-size", "100K", "-q"])
        #expect(again.status == 1 && again.stderr.contains("exists"))
        let both = try CLI.run(["quantize", files.parts[0], output, "q4_0", "--split-max-size", "1G", "--split-max-tensors", "3"])
        #expect(both.status == 64)
    }

    @Test("python gguf reads every part, each with llama.cpp's split keys",
          .enabled(ifAvailable: Python.withGGUF != nil, "python3 with gguf and numpy"))
    func pythonReadsParts() throws {
        guard let python = References.pythonWithGGUF(), let files = try Self.convert() else { return }
        let script = """
        import json, sys
        from gguf import GGUFReader
        out = []
        for path in sys.argv[1:]:
            r = GGUFReader(path)
            f = lambda k: (int(r.fields[k].parts[-1][0]), r.fields[k].types[0].name) if k in r.fields else None
            out.append({"tensors": len(r.tensors), "keys": len(r.fields), "no": f("split.no"),
                        "count": f("split.count"), "total": f("split.tensors.count")})
        print(json.dumps(out))
        """
        let run = try Python.run(python, script: script, arguments: files.parts)
        try #require(run.status == 0, "\(run.stderr)")
        let parts = try #require(try JSONSerialization.jsonObject(with: run.stdoutData) as? [[String: Any]])
        #expect(parts.map { $0["tensors"] as? Int } == [20, 20, 7])
        for (index, part) in parts.enumerated() {
            #expect(part["no"] as? [AnyHashable] == [index, "UINT16"])
            #expect(part["count"] as? [AnyHashable] == [3, "UINT16"])
            #expect(part["total"] as? [AnyHashable] == [47, "INT32"])
        }
        // Parts after the first carry only the three split keys (gguf-py adds three GGUF.* fields).
        #expect(parts.dropFirst().allSatisfy { $0["keys"] as? Int == 6 })
        #expect((parts[0]["keys"] as? Int ?? 0) > 20)
    }

    @Test("the parts are byte-identical to llama-gguf-split's, and llama-perplexity scores the first part as the single file",
          .enabled(if: LlamaCppTools.tool("llama-gguf-split") != nil && LlamaCppTools.tool("llama-perplexity") != nil,
                   LlamaCppTools.skipReason))
    func llamaCpp() throws {
        guard let splitTool = LlamaCppTools.tool("llama-gguf-split"), let perplexityTool = LlamaCppTools.tool("llama-perplexity"),
              let files = try Self.convert(), let shared = References.locate(TestAssets.shared, "../shared") else { return }
        let prefix = files.directory.file("ref")
        let cut = try ChildProcess.run(splitTool, ["--split-max-tensors", "20", files.single, prefix])
        try #require(cut.status == 0, "\(cut.output.suffix(2000))")
        for (index, part) in files.parts.enumerated() {
            #expect(try readBytes(GGUFSplit.partPath(prefix: prefix, index: index, count: 3)) == readBytes(part), "part \(index + 1)")
        }
        // llama.cpp logs from a background thread and can lose its last lines on a busy machine;
        // a run without the final line is tried again rather than misread.
        func perplexity(_ path: String) throws -> String? {
            for _ in 0 ..< 3 {
                let run = try ChildProcess.run(perplexityTool, ["-m", path, "-f", shared + "/text/tinystories/valid-sample.txt",
                                                                "-c", "128", "--chunks", "2", "-t", "2"])
                try #require(run.status == 0, "\(run.output.suffix(2000))")
                let line = run.output.split(separator: "\n").first { $0.contains("Final estimate: PPL = ") }
                if let line { return String(line.drop { $0 != "F" }) }
            }
            return nil
        }
        let whole = try #require(try perplexity(files.single))
        #expect(try perplexity(files.parts[0]) == whole)
    }
}
