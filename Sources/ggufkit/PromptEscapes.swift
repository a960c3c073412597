/// The backslash escapes llama.cpp's tools expand in prompts (`\n`, `\r`, `\t`, `\'`, `\"`,
/// `\\` and `\xHH`), so a prompt given to `ggufkit tokenize` means what it means to
/// `llama-tokenize`. Unknown escapes stay as written.
enum PromptEscapes {
    static func expand(_ input: [UInt8]) -> [UInt8] {
        let backslash = UInt8(ascii: "\\")
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard byte == backslash, index + 1 < input.count else {
                output.append(byte)
                index += 1
                continue
            }
            let code = input[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "'"), UInt8(ascii: "\""), backslash: output.append(code)
            case UInt8(ascii: "x"):
                if index + 1 < input.count, let high = hexValue(input[index]), let low = hexValue(input[index + 1]) {
                    output.append(high << 4 | low)
                    index += 2
                } else {
                    output += [backslash, code]
                }
            default: output += [backslash, code]
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
