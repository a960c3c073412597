/// One text of a calibration corpus: a `.txt` file, all records of a `.jsonl` file, or a
/// file of the built-in corpus.
public struct CalibrationDocument: Equatable, Sendable {
    /// The file name (no folder), for messages and `imatrix.datasets`.
    public let name: String
    public let text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
