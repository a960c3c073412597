import Foundation
import Tokenizers

/// The text `ggufkit tokenize` prints, byte for byte the way llama-tokenize prints it.
enum TokenListFormat {
    static func render(_ tokens: [Int32], tokenizer: any TextTokenizer, idsOnly: Bool, json: Bool,
                       showCount: Bool) -> [UInt8] {
        var out: [UInt8] = []
        if idsOnly {
            out += Array(("[" + tokens.map(String.init).joined(separator: ", ") + "]\n").utf8)
        } else if json {
            let entries = tokens.map { token in
                "{\"id\": \(token), \"piece\": \(jsonString(tokenizer.piece(token)))}"
            }
            out += Array(("[" + entries.joined(separator: ", ") + "]\n").utf8)
        } else {
            for token in tokens {
                // Pieces are written as raw bytes, so a token holding part of a character
                // shows exactly what llama-tokenize shows on a terminal.
                out += Array((pad(token) + " -> '").utf8)
                out += tokenizer.pieceBytes(token, special: true)
                out += Array("'\n".utf8)
            }
        }
        if showCount { out += Array("Total number of tokens: \(tokens.count)\n".utf8) }
        return out
    }

    /// printf's `%6d`.
    private static func pad(_ token: Int32) -> String {
        let digits = String(token)
        return String(repeating: " ", count: max(0, 6 - digits.count)) + digits
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
