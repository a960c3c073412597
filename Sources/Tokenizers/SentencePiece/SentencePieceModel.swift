import FileSupport

/// A SentencePiece `ModelProto` (`tokenizer.model`): the pieces plus the trainer and
/// normalizer settings that later encoding needs.
///
/// Only the fields ggufkit uses are kept; everything else is skipped by wire type.
public struct SentencePieceModel: Sendable, Equatable {
    /// The type of a piece, with SentencePiece's enum values.
    public enum PieceType: Int32, Sendable {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// One vocabulary entry.
    public struct Piece: Sendable, Equatable {
        /// The piece text, with U+2581 for spaces.
        public var text: String
        /// The log-probability (unigram) or merge rank as a negative score (BPE).
        public var score: Float
        /// How SentencePiece treats the piece.
        public var type: PieceType

        /// A piece from its three fields.
        public init(text: String, score: Float, type: PieceType) {
            self.text = text
            self.score = score
            self.type = type
        }
    }

    /// The algorithm the model was trained with (`TrainerSpec.model_type`).
    public enum ModelType: Int32, Sendable {
        case unigram = 1, bpe = 2, word = 3, char = 4
    }

    /// The vocabulary; a piece's index is its token id.
    public var pieces: [Piece] = []
    /// `TrainerSpec.model_type`; SentencePiece's default is unigram.
    public var modelType: ModelType = .unigram
    /// `TrainerSpec.byte_fallback`: unknown bytes become `<0xXX>` pieces.
    public var byteFallback = false
    /// `TrainerSpec.unk_id`/`bos_id`/`eos_id`/`pad_id` (-1 means none), with
    /// SentencePiece's defaults.
    public var unkId: Int32 = 0
    public var bosId: Int32 = 1
    public var eosId: Int32 = 2
    public var padId: Int32 = -1
    /// `NormalizerSpec.name`, e.g. "identity" or "nmt_nfkc".
    public var normalizerName: String? = nil
    /// `NormalizerSpec.add_dummy_prefix` (default true).
    public var addDummyPrefix = true
    /// `NormalizerSpec.remove_extra_whitespaces` (default true).
    public var removeExtraWhitespaces = true
    /// `NormalizerSpec.escape_whitespaces` (default true).
    public var escapeWhitespaces = true
    /// `NormalizerSpec.precompiled_charsmap`, empty when absent.
    public var precompiledCharsmap: [UInt8] = []

    /// An empty model (no pieces, SentencePiece's defaults).
    public init() {}

    /// Parses and validates `tokenizer.model` at `path`.
    public static func load(path: String) throws(TokenizersError) -> SentencePieceModel {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
        return try parse(file.bytes, path: path)
    }

    /// Parses a serialized `ModelProto`; `path` only labels errors.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(TokenizersError) -> SentencePieceModel {
        var model = SentencePieceModel()
        do {
            var reader = ProtobufReader(bytes)
            while let (field, wireType) = try reader.nextField() {
                switch field {
                case 1:
                    try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                    var message = try reader.readMessage()
                    model.pieces.append(try parsePiece(&message))
                case 2:
                    try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                    var message = try reader.readMessage()
                    try model.parseTrainerSpec(&message)
                case 3:
                    try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                    var message = try reader.readMessage()
                    try model.parseNormalizerSpec(&message)
                default:
                    try reader.skip(wireType, field: field)
                }
            }
        } catch {
            throw .invalidProtobuf(path: path, offset: error.offset, reason: error.reason)
        }
        try model.validate(path: path)
        return model
    }

    private static func parsePiece(_ reader: inout ProtobufReader) throws(ProtobufError) -> Piece {
        var piece = Piece(text: "", score: 0, type: .normal)
        while let (field, wireType) = try reader.nextField() {
            switch field {
            case 1:
                try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                piece.text = try reader.readString(field: field)
            case 2:
                try reader.require(wireType, .fixed32, field: field, at: reader.offset)
                piece.score = Float(bitPattern: try reader.readFixed32())
            case 3:
                try reader.require(wireType, .varint, field: field, at: reader.offset)
                // proto2 keeps unknown enum values out of the field, which then reads as
                // its default (NORMAL).
                let raw = try reader.readVarint()
                piece.type = PieceType(rawValue: Int32(truncatingIfNeeded: raw)) ?? .normal
            default:
                try reader.skip(wireType, field: field)
            }
        }
        return piece
    }

    private mutating func parseTrainerSpec(_ reader: inout ProtobufReader) throws(ProtobufError) {
        while let (field, wireType) = try reader.nextField() {
            switch field {
            case 3, 35, 40, 41, 42, 43:
                try reader.require(wireType, .varint, field: field, at: reader.offset)
                let value = Int32(truncatingIfNeeded: try reader.readVarint())
                switch field {
                case 3: modelType = ModelType(rawValue: value) ?? .unigram
                case 35: byteFallback = value != 0
                case 40: unkId = value
                case 41: bosId = value
                case 42: eosId = value
                default: padId = value
                }
            default:
                try reader.skip(wireType, field: field)
            }
        }
    }

    private mutating func parseNormalizerSpec(_ reader: inout ProtobufReader) throws(ProtobufError) {
        while let (field, wireType) = try reader.nextField() {
            switch field {
            case 1:
                try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                normalizerName = try reader.readString(field: field)
            case 2:
                try reader.require(wireType, .lengthDelimited, field: field, at: reader.offset)
                precompiledCharsmap = try reader.readBytes()
            case 3, 4, 5:
                try reader.require(wireType, .varint, field: field, at: reader.offset)
                let flag = try reader.readVarint() != 0
                switch field {
                case 3: addDummyPrefix = flag
                case 4: removeExtraWhitespaces = flag
                default: escapeWhitespaces = flag
                }
            default:
                try reader.skip(wireType, field: field)
            }
        }
    }

    /// The checks SentencePiece itself makes when loading, so a model it would refuse
    /// is refused here too rather than converted into a broken GGUF.
    private func validate(path: String) throws(TokenizersError) {
        guard !pieces.isEmpty else { throw .invalidSentencePiece(path: path, reason: "the model has no pieces") }
        var normalPieces = Set<ExactString>()
        var reservedPieces = Set<ExactString>()
        var unknownIndex: Int? = nil
        var bytesFound = [Bool](repeating: false, count: 256)
        for (index, piece) in pieces.enumerated() {
            guard !piece.text.isEmpty else {
                throw .invalidSentencePiece(path: path, reason: "piece \(index) is empty")
            }
            let isNormal = piece.type == .normal || piece.type == .userDefined || piece.type == .unused
            let inserted = isNormal ? normalPieces.insert(ExactString(piece.text)).inserted
                : reservedPieces.insert(ExactString(piece.text)).inserted
            guard inserted else {
                throw .invalidSentencePiece(path: path, reason: "piece \(index) \(String(reflecting: piece.text)) is already defined")
            }
            if piece.type == .unknown {
                if let unknownIndex {
                    throw .invalidSentencePiece(path: path, reason: "pieces \(unknownIndex) and \(index) are both the unknown piece")
                }
                unknownIndex = index
            }
            if piece.type == .byte {
                guard byteFallback else {
                    throw .invalidSentencePiece(path: path, reason: "byte piece \(piece.text) at \(index) but byte_fallback is off")
                }
                guard let value = Self.byteValue(of: piece.text) else {
                    throw .invalidSentencePiece(path: path, reason: "byte piece \(String(reflecting: piece.text)) at \(index) is not <0xXX>")
                }
                bytesFound[Int(value)] = true
            }
        }
        guard unknownIndex != nil else { throw .invalidSentencePiece(path: path, reason: "no piece has type UNKNOWN") }
        if byteFallback, let missing = bytesFound.firstIndex(of: false) {
            throw .invalidSentencePiece(path: path, reason: "byte_fallback is on but byte piece <0x\(hex2(missing))> is missing")
        }
    }

    /// The byte a `<0xXX>` piece stands for.
    static func byteValue(of text: String) -> UInt8? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"),
              utf8[2] == UInt8(ascii: "x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        // SentencePiece writes these with "%02X", so only upper-case digits name a byte.
        let isHexDigit = { (c: UInt8) in
            (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
        }
        guard isHexDigit(utf8[3]), isHexDigit(utf8[4]) else { return nil }
        return UInt8(String(decoding: utf8[3 ..< 5], as: UTF8.self), radix: 16)
    }
}

/// Two upper-case hex digits.
func hex2(_ value: Int) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[(value >> 4) & 15], digits[value & 15]])
}
