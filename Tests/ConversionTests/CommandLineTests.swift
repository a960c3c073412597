import Foundation
import GGUF
import Testing
import TestSupport


@Suite("ggufkit command line", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CommandLineTests {
    @Test("convert: exit 0, a summary line on stdout with parameters, bytes and bits per weight, a readable GGUF")
    func convertSucceeds() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("m.gguf"), "--type", "bf16", "-t", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote \(scratch.file("m.gguf")): BF16, \(TinyModel.llama.specs.count) tensors"))
        let file = try GGUFFile(path: scratch.file("m.gguf"))
        #expect(file.metadata["general.file_type"] == .uint32(32))
        // Figures worked out from the file itself: BF16 matrices and F32 vectors give a little over 16 bits.
        let weights = file.tensors.reduce(0) { $0 + $1.dimensions.reduce(1, *) }
        let tensorBytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        let fileBytes = try readBytes(scratch.file("m.gguf")).count
        let bits = String(format: "%.2f", Double(tensorBytes * 8) / Double(weights))
        #expect(bits.hasPrefix("16.") && bits != "16.00", "\(bits)")
        #expect(result.stdout.contains(", \(weights) parameters, \(fileBytes) bytes, \(bits) bits per weight, "), "\(result.stdout)")
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
    }

    @Test("bad input: exit 1 and exactly one `ggufkit: error:` line naming the problem, no output")
    func badInput() throws {
        let scratch = try TemporaryDirectory()
        let model = TinyModel.llama
        try model.write(to: scratch.file("m"), tensors: model.tensors().filter { $0.name != "model.norm.weight" })
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("out.gguf"), "-q"])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("ggufkit: error: "))
        #expect(result.stderr.contains("model.norm.weight"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out.gguf")))
    }

    @Test("an existing output needs --force")
    func existingOutput() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        try writeText("keep me", to: scratch.file("out.gguf"))
        let refused = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("out.gguf"), "-q"])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("ggufkit: error: "))
        #expect(refused.stderr.contains("--force"))
        #expect(try readBytes(scratch.file("out.gguf")) == Array("keep me".utf8))

        let forced = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("out.gguf"), "-q", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try GGUFFile(path: scratch.file("out.gguf")).tensors.count == TinyModel.llama.specs.count)
    }

    @Test("bad usage exits 64", arguments: [["--type", "q9_z"], ["--threads", "0"], []])
    func badUsage(extra: [String]) throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        // Without extra arguments the required -o is what is missing.
        let output = extra.isEmpty ? [] : ["-o", scratch.file("out.gguf")]
        let result = try CLI.run(["convert", scratch.file("m")] + output + extra)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
        if extra.first == "--type" { #expect(result.stderr.contains("unknown --type 'q9_z'")) }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out.gguf")))
    }

    @Test("inspect --json prints the GGUF's metadata and tensor table as JSON")
    func inspectGGUF() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        #expect(try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("m.gguf"), "-q"]).status == 0)
        let result = try CLI.run(["inspect", "--json", scratch.file("m.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let file = try GGUFFile(path: scratch.file("m.gguf"))
        #expect(object["kind"] as? String == "gguf")
        #expect(object["tensor_count"] as? Int == file.tensors.count)
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["general.architecture"] as? String == "llama")
        #expect(metadata["llama.block_count"] as? Int == 2)
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == file.tensors.map(\.name))
        for (row, info) in zip(tensors, file.tensors) {
            #expect(row["shape"] as? [Int] == info.dimensions)
            #expect(row["type"] as? String == info.type.name)
            #expect(row["bytes"] as? Int == info.byteCount)
            #expect(row["offset"] as? Int == file.dataOffset + info.offset)
        }
    }

    @Test("inspect --json on a model folder lists the checkpoint's tensors")
    func inspectFolder() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let result = try CLI.run(["inspect", "--json", scratch.file("m")])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "huggingface")
        #expect(object["tensor_count"] as? Int == TinyModel.llama.specs.count)
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["architecture"] as? String == "LlamaForCausalLM")
        #expect(metadata["num_key_value_heads"] as? Int == 2)
    }

    @Test("inspect on a missing path exits 1 with one error line")
    func inspectMissing() throws {
        let scratch = try TemporaryDirectory()
        let result = try CLI.run(["inspect", scratch.file("nothing-here")])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("ggufkit: error: "))
    }
}
