import Foundation
import FuzzTargets
import Testing

/// Replays the fuzzers' inputs through the same entry points in an ordinary build, so a parser
/// change that crashes on a known input fails here, before any fuzzing.
@Suite("fuzz inputs replay")
struct FuzzInputReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").path
    static let targetNames = fuzzTargets.map { $0.name }

    static func files(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
    }

    static func replay(_ path: String, through target: any FuzzTarget.Type, scratch: FuzzScratch) throws -> String? {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { runFuzzTarget(target, $0, scratch: scratch) }
    }

    @Test("every seed is a valid input its parser accepts", arguments: targetNames)
    func seedsAreAccepted(name: String) throws {
        let target = try #require(fuzzTarget(named: name))
        let seeds = Self.files(in: Self.fuzzFolder + "/Seeds/" + name)
        #expect(!seeds.isEmpty, "scripts/make-fuzz-seeds.py writes Fuzz/Seeds/\(name)")
        let scratch = try FuzzScratch()
        for seed in seeds {
            let rejection = try Self.replay(seed, through: target, scratch: scratch)
            #expect(rejection == nil, "\(seed): \(rejection ?? "")")
        }
    }

    @Test("the grown corpus and every past crash input are handled without a crash", arguments: targetNames)
    func corpusAndRegressions(name: String) throws {
        let target = try #require(fuzzTarget(named: name))
        let scratch = try FuzzScratch()
        let inputs = Self.files(in: Self.fuzzFolder + "/Corpus/" + name)
            + Self.files(in: Self.fuzzFolder + "/Regressions/" + name)
        for input in inputs {
            _ = try Self.replay(input, through: target, scratch: scratch)
        }
    }

    @Test("the first half of a seed is rejected with an error, not accepted",
          arguments: fuzzTargets.filter { $0.halfInputsAreInvalid }.map { $0.name })
    func truncatedSeedsAreRejected(name: String) throws {
        let target = try #require(fuzzTarget(named: name))
        let scratch = try FuzzScratch()
        for seed in Self.files(in: Self.fuzzFolder + "/Seeds/" + name) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: seed)))
            let truncated = Array(bytes.prefix(bytes.count / 2))
            let rejection = truncated.withUnsafeBytes { runFuzzTarget(target, $0, scratch: scratch) }
            #expect(rejection != nil, "half of \(seed) was accepted")
        }
    }
}
