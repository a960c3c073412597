import Foundation
import Models
import Testing

@Suite("config.json errors")
struct ConfigValidationTests {
    @Test("an unsupported architecture names what was found and lists the supported ones")
    func unsupported() throws {
        let config = Configs.with(Configs.llama, ["architectures": ["GPT2LMHeadModel"]])
        #expect(throws: ModelsError.unsupportedArchitecture(path: Configs.path, found: ["GPT2LMHeadModel"],
                                                          supported: ModelRegistry.supportedNames)) {
            _ = try Configs.load(config)
        }
        let message = ModelsError.unsupportedArchitecture(path: Configs.path, found: ["GPT2LMHeadModel"],
                                                          supported: ModelRegistry.supportedNames).description
        #expect(message.contains("GPT2LMHeadModel"))
        for name in Configs.names { #expect(message.contains(name)) }
    }

    @Test("the supported list is the four architectures")
    func supportedNames() {
        #expect(ModelRegistry.supportedNames == Configs.names)
    }

    @Test("a config without `architectures` is unsupported, with \"none given\"")
    func noArchitectures() throws {
        let config = Configs.with(Configs.llama, ["architectures": NSNull()])
        let error = #expect(throws: ModelsError.self) { _ = try Configs.load(config) }
        #expect(error == .unsupportedArchitecture(path: Configs.path, found: [], supported: ModelRegistry.supportedNames))
        #expect(error?.description.contains("none given") == true)
    }

    @Test("text that is not a JSON object is invalidJSON", arguments: ["", "{", "[1, 2]", "null", "\"llama\"", "{\"a\": }"])
    func notAnObject(text: String) throws {
        let error = #expect(throws: ModelsError.self) { _ = try Configs.load(json: text) }
        guard case let .invalidJSON(path, _)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(path == Configs.path)
    }

    /// Each case: a change to a valid config and the key the error must name.
    static let invalid: [(change: String, key: String)] = [
        ("heads not divisible by kv heads", "num_key_value_heads"),
        ("zero kv heads", "num_key_value_heads"),
        ("more kv heads than heads", "num_key_value_heads"),
        ("zero layers", "num_hidden_layers"),
        ("too many layers", "num_hidden_layers"),
        ("missing hidden_size", "hidden_size"),
        ("negative hidden_size", "hidden_size"),
        ("huge hidden_size", "hidden_size"),
        ("hidden not a multiple of heads", "hidden_size"),
        ("hidden_size as a string", "hidden_size"),
        ("hidden_size null", "hidden_size"),
        ("missing intermediate_size", "intermediate_size"),
        ("zero intermediate_size", "intermediate_size"),
        ("zero heads", "num_attention_heads"),
        ("odd head_dim", "head_dim"),
        ("zero head_dim", "head_dim"),
        ("huge head_dim", "head_dim"),
        ("zero vocab", "vocab_size"),
        ("huge vocab", "vocab_size"),
        ("negative yarn original length", "rope_scaling.original_max_position_embeddings"),
        ("rope_scaling factor as text", "rope_scaling.factor"),
    ]

    static func apply(_ change: String) -> [String: Any] {
        let base = Configs.llamaGQA
        switch change {
        case "heads not divisible by kv heads": return Configs.with(base, ["num_key_value_heads": 3])
        case "zero kv heads": return Configs.with(base, ["num_key_value_heads": 0])
        case "more kv heads than heads": return Configs.with(base, ["num_key_value_heads": 16])
        case "zero layers": return Configs.with(base, ["num_hidden_layers": 0])
        case "too many layers": return Configs.with(base, ["num_hidden_layers": 1_000_000])
        case "missing hidden_size": return Configs.with(base, ["hidden_size": NSNull()])
        case "negative hidden_size": return Configs.with(base, ["hidden_size": -64])
        case "huge hidden_size": return Configs.with(base, ["hidden_size": 5_000_000_000 as Int64, "head_dim": 64])
        case "hidden not a multiple of heads": return Configs.with(base, ["hidden_size": 68])
        case "hidden_size as a string": return Configs.with(base, ["hidden_size": "64"])
        case "hidden_size null":
            var c = base
            c["hidden_size"] = NSNull()
            return c
        case "missing intermediate_size": return Configs.with(base, ["intermediate_size": NSNull()])
        case "zero intermediate_size": return Configs.with(base, ["intermediate_size": 0])
        case "zero heads": return Configs.with(base, ["num_attention_heads": 0])
        case "odd head_dim": return Configs.with(base, ["head_dim": 7])
        case "zero head_dim": return Configs.with(base, ["head_dim": 0])
        case "huge head_dim": return Configs.with(base, ["head_dim": 1 << 40])
        case "zero vocab": return Configs.with(base, ["vocab_size": 0])
        case "huge vocab": return Configs.with(base, ["vocab_size": 5_000_000_000 as Int64])
        case "negative yarn original length":
            return Configs.with(base, ["rope_scaling": ["rope_type": "yarn", "factor": 4.0,
                                                        "original_max_position_embeddings": -1]])
        case "rope_scaling factor as text":
            return Configs.with(base, ["rope_scaling": ["rope_type": "linear", "factor": "two"]])
        default: return base
        }
    }

    @Test("invalid values throw invalidConfig naming the key", arguments: 0 ..< invalid.count)
    func invalidValue(index: Int) throws {
        let (change, key) = Self.invalid[index]
        let error = #expect(throws: ModelsError.self, "\(change)") { _ = try Configs.load(Self.apply(change)) }
        #expect(error?.invalidConfigKey == key, "\(change): \(String(describing: error))")
        if case let .invalidConfig(path, _, _)? = error { #expect(path == Configs.path) }
    }

    @Test("a missing required key says so")
    func missingKeyReason() throws {
        let error = #expect(throws: ModelsError.self) {
            _ = try Configs.load(Configs.with(Configs.llama, ["num_hidden_layers": NSNull()]))
        }
        #expect(error == .invalidConfig(path: Configs.path, key: "num_hidden_layers", reason: "required key is missing"))
    }

    @Test("every error describes itself with its context")
    func descriptions() {
        let cases: [(ModelsError, [String])] = [
            (.missingFile(path: "/m/config.json"), ["/m/config.json", "not found"]),
            (.invalidJSON(path: "/m/config.json", reason: "bad"), ["/m/config.json", "bad"]),
            (.invalidConfig(path: "/m/config.json", key: "head_dim", reason: "odd"), ["/m/config.json", "head_dim", "odd"]),
            (.unexpectedTensor(name: "x.weight", architecture: "qwen3"), ["x.weight", "qwen3"]),
            (.missingTensor(name: "y.weight"), ["y.weight", "missing"]),
            (.tensorShapeMismatch(name: "z", expected: [2, 3], found: [3, 2]), ["z", "[2, 3]", "[3, 2]"]),
        ]
        for (error, parts) in cases {
            for part in parts { #expect(error.description.contains(part), "\(error.description) lacks \(part)") }
        }
    }
}
