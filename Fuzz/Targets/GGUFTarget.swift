import Foundation
import GGUF
import Models
import Tokenizers

/// A GGUF file: header, metadata, tensor table, then what the evaluation commands build from
/// them (hyper-parameters and the tokenizer, which then encodes and decodes a short text).
public enum GGUFTarget: FuzzTarget {
    public static let name = "gguf"
    static let sample = "Hello world, 123 <s> </s> \u{4e2d}\u{6587} \u{1F600}\n\ttabs  and  spaces"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let path = try scratch.write(input, as: "model.gguf")
        let file = try GGUFFile(path: path)
        for info in file.tensors {
            touch(file.data(for: info))
        }
        _ = try? ModelHyperParameters(metadata: file.metadata, source: path)
        let tokenizer = try TokenizerFactory.make(metadata: file.metadata)
        let ids = try tokenizer.encode(sample, addSpecial: true, parseSpecial: true)
        blackHole(tokenizer.decode(ids))
    }
}
