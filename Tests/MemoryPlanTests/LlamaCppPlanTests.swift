import Conversion
import Foundation
import GGUF
import MemoryPlan
import Testing
import TestSupport

/// The plan's KV cache and model buffer equal what llama.cpp's load log prints for the same
/// file and context (`llama-completion -v`): stories260K as F32 and F16, with contexts that
/// llama.cpp pads.
@Suite("memory plan against llama.cpp",
       .enabled(if: LlamaCppTools.tool("llama-completion") != nil, LlamaCppTools.skipReason))
struct LlamaCppPlanTests {
    @Test("stories260K: KV cache and CPU_Mapped model buffer equal llama.cpp's", arguments: [FileType.f32, .f16])
    func stories(type: FileType) throws {
        guard let tool = LlamaCppTools.tool("llama-completion"), let source = References.stories260K() else { return }
        let directory = try TemporaryDirectory()
        var options = ConversionOptions(modelDirectory: source, outputPath: directory.file("m.gguf"))
        options.fileType = type
        _ = try Converter.convert(options)
        let model = try ModelMemory(file: try GGUFFile(path: directory.file("m.gguf")))
        for context in [100, 512, 4096, 8192] {
            // Spacing aside (llama.cpp pads its numbers with printf widths), the lines must be equal.
            let log = try llamaLog(tool, model: directory.file("m.gguf"), context: context).collapsingSpaces
            let kv = KVCacheSize(model: model, context: context, type: .f16)
            // "(%6u cells, %3d layers": a space after the bracket while the count has under six digits.
            let cells = (kv.cells < 100_000 ? "( " : "(") + "\(kv.cells)"
            let expected = "llama_kv_cache: size = \(ByteSize.mib(kv.totalBytes)) \(cells) cells, \(model.layerCount) layers, 1/1 seqs), "
                + "K (f16): \(ByteSize.mib(kv.keyBytes)), V (f16): \(ByteSize.mib(kv.valueBytes))"
            #expect(log.contains(expected), "context \(context): \(expected)")
            let mapped = "CPU_Mapped model buffer size = \(ByteSize.mib(model.mappedBytes[0]))"
            #expect(log.contains(mapped), "context \(context): \(mapped)")
        }
    }

    @Test("a split model: one CPU_Mapped buffer per file, each equal to llama.cpp's")
    func splitModel() throws {
        guard let tool = LlamaCppTools.tool("llama-completion"), let source = References.stories260K() else { return }
        let directory = try TemporaryDirectory()
        var options = ConversionOptions(modelDirectory: source, outputPath: directory.file("m.gguf"))
        options.split = .tensors(20)
        let summary = try Converter.convert(options)
        let model = try ModelMemory(file: try GGUFFile(path: summary.outputPath))
        #expect(model.mappedBytes.count == 3)
        let log = try llamaLog(tool, model: summary.outputPath, context: 512).collapsingSpaces
        let lines = log.components(separatedBy: "\n").filter { $0.contains("CPU_Mapped model buffer size") }
            .map { $0.components(separatedBy: "size = ").last ?? "" }
        #expect(lines == model.mappedBytes.map(ByteSize.mib))
    }

    /// llama-completion's load log at verbosity `-v`; tried again when the log lost its lines
    /// (llama.cpp logs from a background thread).
    private func llamaLog(_ tool: String, model: String, context: Int) throws -> String {
        var log = ""
        for _ in 0 ..< 3 {
            let run = try ChildProcess.run(tool, ["-m", model, "-c", "\(context)", "-n", "1", "-p", "hi", "-t", "2", "-no-cnv", "-v"],
                                           input: Data())
            log = run.output
            if log.contains("llama_kv_cache: size") && log.contains("CPU_Mapped model buffer size") { break }
        }
        return log
    }
}

private extension String {
    var collapsingSpaces: String {
        split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
