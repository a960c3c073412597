/// The converter's `does_token_look_special`: names that some models ship as
/// non-special added tokens although they behave as control tokens.
enum SpecialTokenHeuristics {
    /// deepseek-coder's "<pad>" and gemma's "<mask>", "<2mass>", "[@BOS@]".
    private static let knownNames: Set<ExactString> = ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].map(ExactString.init).reduce(into: []) { $0.insert($1) }

    static func looksSpecial(_ token: String) -> Bool {
        if knownNames.contains(ExactString(token)) { return true }
        if token.hasExactPrefix("<|") && token.hasExactSuffix("|>") { return true }
        // deepseek-coder's full-width bars.
        if token.hasExactPrefix("<\u{FF5C}") && token.hasExactSuffix("\u{FF5C}>") { return true }
        // gemma's reserved slots.
        if token.hasExactPrefix("<unused") && token.hasExactSuffix(">") { return true }
        return false
    }
}
