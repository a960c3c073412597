import FileSupport

/// A parsed JSON file that remembers its path, so that shape errors found later can
/// name the file and the JSON path of the offending value.
struct JSONFile: Sendable {
    let path: String
    let root: JSONValue

    /// Reads and parses `path`, turning every failure into a ``TokenizersError``.
    static func load(path: String) throws(TokenizersError) -> JSONFile {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw .cannotRead(path: path, reason: "\(error)")
        }
        let bytes = file.bytes
        if let bad = firstInvalidUTF8Offset(bytes) {
            throw .invalidUTF8(path: path, offset: bad)
        }
        do {
            return JSONFile(path: path, root: try JSONParser.parse(bytes, options: pythonJSON))
        } catch {
            throw .invalidJSON(path: path, offset: error.offset, reason: error.reason)
        }
    }

    /// The root as an object (every Hugging Face tokenizer file is one).
    func rootObject() throws(TokenizersError) -> JSONObject {
        try object(root, at: "$")
    }

    func object(_ value: JSONValue, at jsonPath: String) throws(TokenizersError) -> JSONObject {
        guard let object = value.objectValue else { throw mismatch(jsonPath, "an object", value) }
        return object
    }

    func array(_ value: JSONValue, at jsonPath: String) throws(TokenizersError) -> [JSONValue] {
        guard let array = value.arrayValue else { throw mismatch(jsonPath, "an array", value) }
        return array
    }

    func string(_ value: JSONValue, at jsonPath: String) throws(TokenizersError) -> String {
        guard let string = value.stringValue else { throw mismatch(jsonPath, "a string", value) }
        return string
    }

    func integer(_ value: JSONValue, at jsonPath: String) throws(TokenizersError) -> Int {
        guard let integer = value.pythonInt else { throw mismatch(jsonPath, "an integer", value) }
        return integer
    }

    func mismatch(_ jsonPath: String, _ expected: String, _ value: JSONValue) -> TokenizersError {
        .unexpectedJSON(path: path, jsonPath: jsonPath, expected: expected, found: value.kindDescription)
    }
}

/// What Python's `json.load`, which the converter uses, accepts: `NaN` and `Infinity`
/// included.
let pythonJSON = JSONParser.Options(allowsNonFiniteNumbers: true)

/// Appends a member name to a JSON path in the `$.a["b c"]` style.
func jsonPath(_ base: String, _ key: String) -> String {
    let plain = !key.isEmpty && key.utf8.allSatisfy { byte in
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
    return plain ? "\(base).\(key)" : "\(base)[\(String(reflecting: key))]"
}

/// Appends an array index to a JSON path.
func jsonPath(_ base: String, _ index: Int) -> String {
    "\(base)[\(index)]"
}
