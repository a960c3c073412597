import Foundation

/// What a Jinja chat template writes first, read without running it: enough to tell whether a
/// rendered chat starts with the BOS token.
enum ChatTemplateStart {
    /// Whether the first text the template outputs is the BOS token: `{{ bos_token ... }}`, a
    /// quoted string starting with its text, or its text written literally. Statements
    /// (`{% ... %}`), comments and `raise_exception` guards before it are skipped, whichever
    /// branch they take, since real templates start every branch the same way.
    static func emitsBOSFirst(_ template: String, bosText: String) -> Bool {
        guard !bosText.isEmpty else { return false }
        var rest = Substring(template)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.hasPrefix("{%") || rest.hasPrefix("{#") {
                guard let end = rest.range(of: rest.hasPrefix("{%") ? "%}" : "#}") else { return false }
                rest = rest[end.upperBound...]
                continue
            }
            guard rest.hasPrefix("{{") else { return rest.hasPrefix(bosText) }
            var expression = rest.dropFirst(2)
            if expression.hasPrefix("-") { expression = expression.dropFirst() }
            expression = expression.drop(while: \.isWhitespace)
            if expression.hasPrefix("raise_exception") {
                guard let end = rest.range(of: "}}") else { return false }
                rest = rest[end.upperBound...]
                continue
            }
            if expression.hasPrefix("bos_token") { return true }
            if let quote = expression.first, quote == "'" || quote == "\"" {
                return expression.dropFirst().hasPrefix(bosText)
            }
            return false
        }
    }
}
