import ArgumentParser
import FileSupport
import Foundation
import GGUF
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the tokens of a text for a GGUF file or Hugging Face folder (like llama-tokenize).",
        discussion: """
            The output matches llama-tokenize's: one "   ID -> 'piece'" line per token, or with --ids \
            a list like [1, 2, 3]. BOS is added when the model asks for it; special-token text is \
            parsed as those tokens unless --no-parse-special; escapes (\\n, \\t, \\xHH, ...) are \
            expanded in the prompt and the file unless --no-escape.
            """
    )

    @Argument(help: "A GGUF file or a Hugging Face model folder.")
    var model: String

    @Option(name: .shortAndLong, help: "The text to tokenize.")
    var prompt: String?

    @Option(name: .shortAndLong, help: "A file whose bytes are the text to tokenize.")
    var file: String?

    @Flag(name: .long, help: "Read the text from standard input.")
    var stdin = false

    @Flag(name: .long, help: "Print only the ids, as a list like [1, 2, 3].")
    var ids = false

    @Flag(name: .long, help: "Print JSON: the ids, or a list of {\"id\", \"piece\"} objects.")
    var json = false

    @Flag(name: .long, help: "Do not add BOS even if the model normally does.")
    var noBos = false

    @Flag(name: .long, help: "Tokenize special-token text like any other text.")
    var noParseSpecial = false

    @Flag(name: .long, help: "Take the text as written, without expanding escapes.")
    var noEscape = false

    @Flag(name: .long, help: "Print the number of tokens after them.")
    var showCount = false

    func validate() throws {
        let sources = [prompt != nil, file != nil, stdin].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of -p, -f or --stdin") }
    }

    func run() throws {
        var bytes = try readText()
        let tokenizer = try Self.loadTokenizer(model)
        if !noEscape { bytes = PromptEscapes.expand(bytes) }
        // As llama-tokenize: BOS and EOS follow the model's add_bos flag alone.
        let addSpecial = tokenizer.addsBOS && !noBos
        let tokens = try tokenizer.encode(String(decoding: bytes, as: UTF8.self), addSpecial: addSpecial,
                                          parseSpecial: !noParseSpecial)
        FileHandle.standardOutput.write(Data(TokenListFormat.render(tokens, tokenizer: tokenizer, idsOnly: ids, json: json,
                                                                    showCount: showCount)))
    }

    private func readText() throws -> [UInt8] {
        if let prompt { return Array(prompt.utf8) }
        if let file {
            guard let data = readWholeFile(atPath: file) else {
                throw TokenizersError.cannotRead(path: file, reason: "no such file, or not readable")
            }
            return Array(data)
        }
        return Array(FileHandle.standardInput.readDataToEndOfFile())
    }

    /// Only the tokenizer is read: a GGUF's metadata, or a folder's tokenizer files.
    static func loadTokenizer(_ path: String) throws -> any TextTokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TokenizersError.cannotRead(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue { return try TokenizerFactory.make(huggingFaceDirectory: path) }
        return try TokenizerFactory.make(metadata: GGUFFile(path: path).metadata)
    }
}
