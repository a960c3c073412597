/// `tokenizer.model` (a SentencePiece `ModelProto`) and `tokenizer_config.json` for a
/// `llama` (SentencePiece) vocabulary.
///
/// Every GGUF token becomes a piece with its score and type, so converting the folder back
/// gives the same tokens, scores and types; user-defined tokens are also listed in
/// `added_tokens_decoder`, which is where the converter learns they are user-defined.
struct SentencePieceFiles {
    let tokenizer: TokenizerMetadata
    let contextLength: Int?
    let path: String
    let log: (String) -> Void

    // Field numbers of sentencepiece_model.proto.
    private enum Field {
        static let pieces = 1, trainerSpec = 2, normalizerSpec = 3
        static let pieceText = 1, pieceScore = 2, pieceType = 3
        static let modelType = 3, vocabSize = 4, byteFallback = 35
        static let unkID = 40, bosID = 41, eosID = 42, padID = 43
        static let unkPiece = 45, bosPiece = 46, eosPiece = 47, padPiece = 48
        static let normalizerName = 1, charsmap = 2, addDummyPrefix = 3, removeExtraWhitespaces = 4
        static let escapeWhitespaces = 5
    }

    /// SentencePiece's `TrainerSpec.ModelType` values.
    static let unigram: Int64 = 1, bpe: Int64 = 2

    func tokenizerModel() throws -> [UInt8] {
        let types = try validatedTypes()
        let byteFallback = try hasByteFallback(types)
        var model = ProtobufWriter()
        for (id, token) in tokenizer.tokens.enumerated() {
            var piece = ProtobufWriter()
            piece.string(Field.pieceText, token)
            piece.float(Field.pieceScore, tokenizer.scores?[id] ?? 0)
            piece.varint(Field.pieceType, Int64(types[id].rawValue))
            model.message(Field.pieces, piece)
        }
        var trainer = ProtobufWriter()
        trainer.varint(Field.modelType, looksLikeBPE(types) ? Self.bpe : Self.unigram)
        trainer.varint(Field.vocabSize, Int64(tokenizer.tokens.count))
        trainer.bool(Field.byteFallback, byteFallback)
        let unk = types.firstIndex(of: .unknown) ?? 0
        trainer.varint(Field.unkID, Int64(unk))
        trainer.varint(Field.bosID, Int64(tokenizer.specialIDs["bos"] ?? -1))
        trainer.varint(Field.eosID, Int64(tokenizer.specialIDs["eos"] ?? -1))
        trainer.varint(Field.padID, Int64(tokenizer.specialIDs["pad"] ?? -1))
        // SentencePiece finds BOS/EOS/PAD by these texts, not by the ids above.
        trainer.string(Field.unkPiece, tokenizer.tokens[unk])
        if let text = tokenizer.text("bos") { trainer.string(Field.bosPiece, text) }
        if let text = tokenizer.text("eos") { trainer.string(Field.eosPiece, text) }
        if let text = tokenizer.text("pad") { trainer.string(Field.padPiece, text) }
        model.message(Field.trainerSpec, trainer)

        var normalizer = ProtobufWriter()
        normalizer.string(Field.normalizerName, "identity")
        if let charsmap = tokenizer.precompiledCharsmap, !charsmap.isEmpty {
            normalizer.lengthDelimited(Field.charsmap, charsmap)
        }
        normalizer.bool(Field.addDummyPrefix, tokenizer.addSpacePrefix ?? true)
        normalizer.bool(Field.removeExtraWhitespaces, tokenizer.removeExtraWhitespaces ?? false)
        normalizer.bool(Field.escapeWhitespaces, true)
        model.message(Field.normalizerSpec, normalizer)
        return model.bytes
    }

    func tokenizerConfig() -> JSONText {
        var members: [(String, JSONText)] = []
        if let flag = tokenizer.addBOS { members.append(("add_bos_token", .bool(flag))) }
        if let flag = tokenizer.addEOS { members.append(("add_eos_token", .bool(flag))) }
        if let flag = tokenizer.addSpacePrefix { members.append(("add_prefix_space", .bool(flag))) }
        var decoder: [(String, JSONText)] = []
        for (id, type) in tokenizer.types.enumerated() where type == .userDefined {
            decoder.append((String(id), .object(SpecialTokenFields.addedTokenFields(
                content: tokenizer.tokens[id], normalized: true, special: false))))
        }
        if !decoder.isEmpty { members.append(("added_tokens_decoder", .object(decoder))) }
        members += SpecialTokenFields.members(tokenizer, includeNulls: true)
        if let template = tokenizer.chatTemplate { members.append(("chat_template", .string(template))) }
        members.append(("clean_up_tokenization_spaces", .bool(false)))
        // llama.cpp puts a space before text that follows a special token, which is
        // Transformers' legacy behaviour.
        members.append(("legacy", .bool(true)))
        if let contextLength { members.append(("model_max_length", .int(contextLength))) }
        members.append(("sp_model_kwargs", .object([])))
        members.append(("tokenizer_class", .string("LlamaTokenizer")))
        return .object(members)
    }

    /// Checks what SentencePiece checks on load: non-empty unique pieces (normal-like and
    /// reserved kinds counted apart) and exactly one unknown piece, which is taken from
    /// `unknown_token_id` when no token has the UNKNOWN type.
    private func validatedTypes() throws -> [TokenType] {
        var types = tokenizer.types
        let unknowns = types.indices.filter { types[$0] == .unknown }
        if unknowns.count > 1 {
            throw ExportError.unsupportedTokenizer(path: path, reason: "tokens \(unknowns[0]) and \(unknowns[1]) are both UNKNOWN")
        }
        if unknowns.isEmpty {
            guard let unk = tokenizer.specialIDs["unk"] else {
                throw ExportError.unsupportedTokenizer(path: path, reason: "no token is UNKNOWN and there is no unknown_token_id")
            }
            log("warning: no token has type UNKNOWN; marking token \(unk) (unknown_token_id) as the unknown piece")
            types[unk] = .unknown
        }
        var normal = Set<UTF8Key>()
        var reserved = Set<UTF8Key>()
        for (id, token) in tokenizer.tokens.enumerated() {
            guard !token.isEmpty else {
                throw ExportError.unsupportedTokenizer(path: path, reason: "token \(id) is empty, which SentencePiece refuses")
            }
            let isNormalKind = types[id] == .normal || types[id] == .userDefined || types[id] == .unused
            let inserted = isNormalKind ? normal.insert(UTF8Key(token)).inserted : reserved.insert(UTF8Key(token)).inserted
            guard inserted else {
                throw ExportError.unsupportedTokenizer(
                    path: path, reason: "token \(id) \(String(reflecting: token)) repeats an earlier token, which SentencePiece refuses")
            }
        }
        return types
    }

    /// Byte fallback needs all 256 `<0xXX>` pieces; a partial set cannot be loaded.
    private func hasByteFallback(_ types: [TokenType]) throws -> Bool {
        var found = Set<String>()
        for (id, type) in types.enumerated() where type == .byte { found.insert(tokenizer.tokens[id]) }
        guard !found.isEmpty else { return false }
        let digits = Array("0123456789ABCDEF")
        for byte in 0 ..< 256 {
            let name = "<0x\(digits[byte >> 4])\(digits[byte & 15])>"
            guard found.contains(name) else {
                throw ExportError.unsupportedTokenizer(path: path, reason: "byte tokens are present but \(name) is missing")
            }
        }
        return true
    }

    /// BPE models score normal pieces by negated merge rank (whole numbers); unigram scores
    /// are log probabilities. llama.cpp tokenizes both the same way, but SentencePiece does not.
    private func looksLikeBPE(_ types: [TokenType]) -> Bool {
        guard let scores = tokenizer.scores else { return true }
        return types.indices.allSatisfy { types[$0] != .normal || scores[$0] == scores[$0].rounded() }
    }
}
