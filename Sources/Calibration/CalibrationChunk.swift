/// A run of tokens to push through a model, and where it came from.
public struct CalibrationChunk: Equatable, Sendable {
    /// The model input, BOS first when one was given.
    public let tokens: [Int32]
    /// The name of the document (file) the tokens were taken from.
    public let source: String
    /// Where the taken tokens start in that document's token sequence. In llama-imatrix mode the
    /// sequence is the whole text's, with its leading BOS; the first token of the chunk is that
    /// position even when BOS replaced it.
    public let offset: Int

    public init(tokens: [Int32], source: String, offset: Int) {
        self.tokens = tokens
        self.source = source
        self.offset = offset
    }
}
