import Conversion
import FileSupport
import Foundation
import GGUF
import Testing
import TestSupport

/// `quantize` and `convert` must agree: re-encoding an F32 GGUF gives the same tensors as
/// converting the checkpoint straight to the file type, with the metadata copied; and
/// `convert`'s whole output for stories260K is pinned byte for byte.
@Suite("quantize agrees with convert; convert's bytes are pinned")
struct RequantizeParityTests {
    static let fileTypes: [FileType] = [.f16, .bf16, .q8_0, .q4_0, .q5_1, .q2_k, .q3_k_m, .q4_k_m, .q6_k]

    /// stories260K (real weights, tied embeddings, 64-wide rows: every K-quant falls back), the
    /// default tiny model (mixed F32/F16/BF16 tensors, a 48-wide ffn_down that falls back to F16)
    /// and a tiny GQA-4 model with 256-wide rows, where the K-quants themselves are written.
    static let sources = ["stories260K", "tiny-mixed", "tiny-256"]

    /// The Hugging Face folder for `source`, or `nil` when a shared model is missing.
    static func folder(_ source: String, in scratch: TemporaryDirectory) throws -> String? {
        var model = TinyModel.llama
        switch source {
        case "stories260K":
            return References.stories260K()
        case "tiny-256":
            model.hidden = 256
            model.intermediate = 256
            model.heads = 4
            model.kvHeads = 1
            model.dtypes = .all(.bf16)
        default:
            break
        }
        let folder = scratch.file(source)
        try model.write(to: folder)
        return folder
    }

    static func options(_ input: String, _ output: String, _ type: FileType) -> ConversionOptions {
        var options = ConversionOptions(modelDirectory: input, outputPath: output)
        options.fileType = type
        options.threads = 2
        return options
    }

    @Test("quantize from an F32 GGUF writes the tensors convert writes", arguments: sources, fileTypes)
    func sameTensors(source: String, type: FileType) throws {
        let scratch = try TemporaryDirectory()
        guard let folder = try Self.folder(source, in: scratch) else { return }
        let f32 = scratch.file("f32.gguf"), direct = scratch.file("direct.gguf"), requantized = scratch.file("requantized.gguf")
        _ = try Converter.convert(Self.options(folder, f32, .f32))
        _ = try Converter.convert(Self.options(folder, direct, type))
        _ = try Requantizer.quantize(inputPath: f32, Self.options("", requantized, type))

        let a = try GGUFFile(path: direct), b = try GGUFFile(path: requantized)
        #expect(a.tensors.map(\.name) == b.tensors.map(\.name))
        for info in a.tensors {
            let other = try #require(b.tensor(named: info.name))
            #expect(other.type == info.type && other.dimensions == info.dimensions, "\(info.name)")
            if let difference = firstDifference(Array(a.data(for: info)), Array(b.data(for: other))) {
                Issue.record("\(info.name) (\(info.type.name)): first differing byte \(difference)")
            }
        }
    }

    @Test("quantize copies every metadata entry except the two it sets", arguments: sources, fileTypes)
    func metadataCopied(source: String, type: FileType) throws {
        let scratch = try TemporaryDirectory()
        guard let folder = try Self.folder(source, in: scratch) else { return }
        let f32 = scratch.file("f32.gguf"), requantized = scratch.file("requantized.gguf")
        _ = try Converter.convert(Self.options(folder, f32, .f32))
        _ = try Requantizer.quantize(inputPath: f32, Self.options("", requantized, type))

        let input = try GGUFFile(path: f32).metadata, output = try GGUFFile(path: requantized).metadata
        let set: Set = [GGUFKey.fileType, GGUFKey.quantizationVersion]
        let kept = { (m: GGUFMetadata) -> [(key: String, value: GGUFValue)] in m.entries.filter { !set.contains($0.key) } }
        #expect(kept(input).map(\.key) == kept(output).map(\.key))
        for (a, b) in zip(kept(input), kept(output)) where a.value != b.value {
            Issue.record("\(a.key) changed")
        }
        #expect(output[GGUFKey.fileType] == type.llamaFileType.metadataValue)
        if type.isQuantized {
            #expect(output[GGUFKey.quantizationVersion] == .uint32(2))
        }
    }

    /// SHA-256 of `convert`'s output for stories260K, recorded before the conversion pipeline was
    /// restructured. A change that alters any byte (metadata, order, padding, quantized values)
    /// fails here; if the change is intended, re-check against llama.cpp and record new digests.
    static let stories260KDigests: [(FileType, String)] = [
        (.f32, "d9d78d87eb65541f9be0ead71504c49f6d70f92d455844a0fa142295198e4950"),
        (.f16, "3da88bb55e83efae45c1b5b15cd902ef956c6a07725ed6934721386b1e4d76ad"),
        (.q8_0, "49f7be9fd1d613b0161d7fadd25677dd7d798c751befa09514baac5d23cc9229"),
        (.q4_0, "8e6b5cb43efb57677fcbbc3c09d6a25a2e4c0de55f0d8b19be301626924792ad"),
        (.q4_k_m, "62a96fff02201450c710765eb847e4e1c52bd4d4d9b491b82dd3c2926f41e035"),
        (.q6_k, "e1295487af5489c8243e13bfd510f972467a76e48de33a25fa46a0be1f58de82"),
    ]

    @Test("stories260K converts to exactly the recorded bytes", arguments: stories260KDigests)
    func pinnedBytes(type: FileType, digest: String) throws {
        guard let folder = References.stories260K() else { return }
        let scratch = try TemporaryDirectory()
        let output = scratch.file("out.gguf")
        _ = try Converter.convert(Self.options(folder, output, type))
        #expect(SHA256.hex(try readBytes(output)) == digest)
    }

    @Test("SHA-256 matches known digests")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // Many 64-byte blocks.
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1000))
            == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
