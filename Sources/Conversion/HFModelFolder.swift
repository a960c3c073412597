import FileSupport
import Foundation
import Models
import SafeTensors

/// `generation_config.json`: the sampling defaults and special ids a model ships with.
public struct GenerationConfig: Codable, Equatable, Sendable {
    public var bosTokenId: Int?
    public var eosTokenIds: [Int]
    public var padTokenId: Int?
    public var temperature: Double?
    public var topK: Int?
    public var topP: Double?
    public var doSample: Bool?

    enum CodingKeys: String, CodingKey {
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case temperature
        case topK = "top_k"
        case topP = "top_p"
        case doSample = "do_sample"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        bosTokenId = try? c.decodeIfPresent(Int.self, forKey: .bosTokenId)
        if let single = try? c.decodeIfPresent(Int.self, forKey: .eosTokenId) {
            eosTokenIds = [single]
        } else {
            eosTokenIds = (try? c.decodeIfPresent([Int].self, forKey: .eosTokenId)) ?? []
        }
        padTokenId = try? c.decodeIfPresent(Int.self, forKey: .padTokenId)
        temperature = try? c.decodeIfPresent(Double.self, forKey: .temperature)
        topK = try? c.decodeIfPresent(Int.self, forKey: .topK)
        topP = try? c.decodeIfPresent(Double.self, forKey: .topP)
        doSample = try? c.decodeIfPresent(Bool.self, forKey: .doSample)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(bosTokenId, forKey: .bosTokenId)
        if eosTokenIds.count == 1 { try c.encode(eosTokenIds[0], forKey: .eosTokenId) }
        else if !eosTokenIds.isEmpty { try c.encode(eosTokenIds, forKey: .eosTokenId) }
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encodeIfPresent(temperature, forKey: .temperature)
        try c.encodeIfPresent(topK, forKey: .topK)
        try c.encodeIfPresent(topP, forKey: .topP)
        try c.encodeIfPresent(doSample, forKey: .doSample)
    }
}

/// A Hugging Face model folder: configuration, optional generation settings and the
/// memory-mapped safetensors weights.
public final class HFModelFolder: @unchecked Sendable {
    public let directory: String
    public let architecture: ModelArchitecture
    public let generationConfig: GenerationConfig?
    public let checkpoint: SafeTensorsCheckpoint

    public init(directory: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConversionError.notADirectory(path: directory)
        }
        self.directory = directory
        let configPath = (directory as NSString).appendingPathComponent("config.json")
        guard let configData = readWholeFile(atPath: configPath) else {
            throw ConversionError.missingConfig(path: directory)
        }
        architecture = try ModelRegistry.load(configJSON: configData, path: configPath)
        let generationPath = (directory as NSString).appendingPathComponent("generation_config.json")
        if let data = readWholeFile(atPath: generationPath) {
            do {
                generationConfig = try JSONDecoder().decode(GenerationConfig.self, from: data)
            } catch {
                throw ModelsError.invalidJSON(path: generationPath, reason: "\(error)")
            }
        } else {
            generationConfig = nil
        }
        checkpoint = try SafeTensorsCheckpoint(directory: directory)
    }

    /// A display name for `general.name`: the folder's own name.
    public var modelName: String {
        URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
    }
}
