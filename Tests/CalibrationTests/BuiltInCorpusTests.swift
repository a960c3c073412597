import Calibration
import Foundation
import Testing
import TestSupport

@Suite("The built-in calibration corpus")
struct BuiltInCorpusTests {
    static let domains = ["code", "en", "math", "zh"]
    let folder = TestAssets.packageRoot.appendingPathComponent("calibration").path

    func domain(of name: String) -> String {
        String(name.prefix { $0 != "-" })
    }

    @Test("the binary holds exactly the calibration/*.txt files, byte for byte")
    func matchesFolder() throws {
        let builtIn = try CalibrationCorpus.default
        #expect(builtIn.origin == "built-in corpus")
        let onDisk = try CalibrationCorpus.load(path: folder)
        let textFiles = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".txt") }
        #expect(builtIn.documents.map(\.name) == textFiles.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(builtIn.documents.map(\.name) == onDisk.documents.map(\.name))
        for (embedded, file) in zip(builtIn.documents, onDisk.documents) {
            // Compared as a Bool: a failure should name the file, not print two megabytes.
            let same = embedded.text.utf8.elementsEqual(file.text.utf8)
            #expect(same, "\(embedded.name) differs from calibration/\(file.name)")
        }
    }

    @Test("all four domains are there, roughly balanced, and every file has one")
    func domains() throws {
        let documents = try CalibrationCorpus.default.documents
        var bytes: [String: Int] = [:]
        for document in documents { bytes[domain(of: document.name), default: 0] += document.text.utf8.count }
        #expect(Set(bytes.keys) == Set(Self.domains))
        for (domain, size) in bytes {
            #expect((300_000 ... 700_000).contains(size), "\(domain): \(size) bytes")
        }
    }

    @Test("the Chinese files are Chinese prose with Chinese punctuation and numerals")
    func chinese() throws {
        let chinese = try CalibrationCorpus.default.documents.filter { $0.name.hasPrefix("zh-") }
        #expect(chinese.count >= 2)
        for document in chinese {
            // At least 40% Han characters (the arithmetic file has digits and symbols too).
            let han = document.text.unicodeScalars.filter { (0x4E00 ... 0x9FFF).contains($0.value) }.count
            #expect(han * 5 >= document.text.unicodeScalars.count * 2, "\(document.name)")
            #expect(document.text.contains("，") && document.text.contains("。"), "\(document.name)")
        }
        #expect(chinese.contains { $0.text.contains("等于") && $0.text.contains("百") })
    }

    @Test("the corpus folder stays within 2 MB on disk")
    func sizeBound() throws {
        var total = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let attributes = try FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(name))
            total += (attributes[.size] as? Int) ?? 0
        }
        #expect(total > 1_000_000 && total <= 2_000_000, "calibration/ holds \(total) bytes")
    }

    @Test("100 spread chunks reach every file of the built-in corpus")
    func spreadReachesEveryFile() throws {
        let corpus = try CalibrationCorpus.default
        let chunks = try CalibrationChunks.spread(documents: corpus.documents, tokenize: scalarTokens,
                                                  chunkLength: 512, chunkCount: 100, bos: 1)
        #expect(chunks.count == 100)
        #expect(Set(chunks.map(\.source)) == Set(corpus.documents.map(\.name)))
        #expect(chunks.allSatisfy { $0.tokens.count == 512 })
        let four = try CalibrationChunks.spread(documents: corpus.documents, tokenize: scalarTokens,
                                                chunkLength: 512, chunkCount: 4)
        #expect(Set(four.map { domain(of: $0.source) }) == Set(Self.domains))
    }
}

@Suite("The built-in validation text")
struct ValidationTextTests {
    let folder = TestAssets.packageRoot.appendingPathComponent("calibration").path

    @Test("the binary holds calibration/validation's text, byte for byte, and no corpus includes it")
    func apartFromCorpus() throws {
        let text = try ValidationText.builtIn
        let path = folder + "/validation/" + text.name
        let onDisk = try #require(FileManager.default.contents(atPath: path))
        #expect(text.text.utf8.elementsEqual(onDisk), "\(text.name) differs from \(path)")
        #expect(text.text.utf8.count > 30_000)
        let corpora = [try CalibrationCorpus.default, try CalibrationCorpus.load(path: folder)]
        for corpus in corpora {
            #expect(!corpus.documents.contains { $0.name == text.name }, "\(corpus.origin)")
            let firstParagraph = String(text.text.split(separator: "\n").dropFirst().first ?? "")
            #expect(!corpus.documents.contains { $0.text.contains(firstParagraph) }, "\(corpus.origin)")
        }
    }
}
