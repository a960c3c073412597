import Foundation

/// The architectures ggufkit converts, exports and runs: one row per descriptor file.
public enum ModelRegistry {
    public static let descriptors: [any ArchitectureDescriptor] = [
        LlamaDescriptor(),
        Qwen2Descriptor(),
        Qwen3Descriptor(),
        DeciDescriptor(),
    ]

    /// Every Hugging Face architecture name ggufkit accepts.
    public static var supportedNames: [String] {
        descriptors.flatMap(\.huggingFaceNames)
    }

    /// Every llama.cpp architecture name ggufkit handles.
    public static var ggufNames: [String] {
        descriptors.map(\.ggufName)
    }

    /// The descriptor for a `general.architecture` value.
    public static func descriptor(ggufName: String) -> (any ArchitectureDescriptor)? {
        descriptors.first { $0.ggufName == ggufName }
    }

    /// The descriptor for the first name of a `config.json` `architectures` list that one handles.
    public static func descriptor(huggingFaceNames names: [String]) -> (any ArchitectureDescriptor)? {
        for name in names {
            if let descriptor = descriptors.first(where: { $0.huggingFaceNames.contains(name) }) { return descriptor }
        }
        return nil
    }

    /// Picks the architecture named in `config.json`'s `architectures` list and decodes the config.
    public static func load(configJSON: Data, path: String) throws -> ModelArchitecture {
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
        guard let descriptor = descriptor(huggingFaceNames: names) else {
            throw ModelsError.unsupportedArchitecture(path: path, found: names, supported: supportedNames)
        }
        let architecture = try ModelArchitecture(descriptor: descriptor, configJSON: configJSON, path: path)
        // llama.cpp's `llama` graph reads one head count for every layer; layers that differ
        // need its `deci` graph, which reads them per layer.
        if descriptor.ggufName == LlamaDescriptor().ggufName, architecture.decoder.hasPerLayerHeadCounts {
            return try ModelArchitecture(descriptor: DeciDescriptor(), configJSON: configJSON, path: path)
        }
        return architecture
    }
}
