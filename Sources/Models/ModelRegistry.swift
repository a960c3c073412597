import Foundation

/// The architectures ggufkit converts: one row per architecture file.
public enum ModelRegistry {
    public static let architectures: [any ModelArchitecture.Type] = [
        LlamaArchitecture.self,
        MistralArchitecture.self,
        Qwen2Architecture.self,
        Qwen3Architecture.self,
    ]

    /// Every Hugging Face architecture name ggufkit accepts.
    public static var supportedNames: [String] {
        architectures.flatMap { $0.huggingFaceNames }
    }

    /// Picks the architecture named in `config.json`'s `architectures` list and decodes the config.
    public static func load(configJSON: Data, path: String) throws -> any ModelArchitecture {
        let names: [String]
        do {
            let object = try JSONSerialization.jsonObject(with: configJSON)
            guard let dict = object as? [String: Any] else {
                throw ModelsError.invalidJSON(path: path, reason: "top level is not an object")
            }
            names = dict["architectures"] as? [String] ?? []
        } catch let error as ModelsError {
            throw error
        } catch {
            throw ModelsError.invalidJSON(path: path, reason: error.localizedDescription)
        }
        for name in names {
            if let type = architectures.first(where: { $0.huggingFaceNames.contains(name) }) {
                return try type.init(configJSON: configJSON, path: path)
            }
        }
        throw ModelsError.unsupportedArchitecture(path: path, found: names, supported: supportedNames)
    }
}
