import ArgumentParser
import Evaluation
import FileSupport
import Foundation
import Tokenizers

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Score an original model and candidates on the same text: PPL, KL divergence, top-token agreement, speed."
    )

    @Argument(help: "The original (a Hugging Face folder or GGUF file).")
    var original: String

    @Argument(help: "Candidate GGUF files (or folders).")
    var candidates: [String]

    @OptionGroup var scoring: ScoringOptions

    @Option(name: .long, help: "Keep the original's log-probabilities here (zstd) and reuse them when they match.")
    var baseCache: String?

    @Flag(name: .long, help: "Print JSON on stdout.")
    var json = false

    @Flag(name: .long, help: "Print CSV on stdout.")
    var csv = false

    @Flag(name: .long, help: "Also report KLD, top-1 and the log-probability change per class of the predicted token (CJK characters, punctuation, digits, whitespace, code symbols, other).")
    var byClass = false

    @Option(name: .long, help: ArgumentHelp("Also draw the charts (size against ΔPPL and KLD, tokens/s) into this SVG file.",
                                            valueName: "file"))
    var svg: String?

    @Option(name: .long, help: ArgumentHelp("Also write one self-contained HTML page with the table and the charts.",
                                            valueName: "file"))
    var html: String?

    @OptionGroup var weightCache: WeightCacheOption
    @OptionGroup var gpu: GPUOption

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard !(json && csv) else { throw ValidationError("choose one of --json and --csv") }
        guard !(byClass && csv) else { throw ValidationError("--by-class works with the table and --json, not --csv") }
        guard !candidates.isEmpty else { throw ValidationError("give at least one candidate") }
    }

    func run() throws {
        let base = try LoadedModel.open(original, threads: common.threads, weightCacheBytes: weightCache.bytes, gpu: gpu)
        let tokens = try base.tokenize(textFile: scoring.file)
        let comparison = ModelComparison(runner: scoring.runner(bos: base.chunkBOS))
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("ggufkit-base-\(UUID().uuidString).klp").path
        let cachePath = baseCache ?? temporary
        defer { if baseCache == nil { try? FileManager.default.removeItem(atPath: temporary) } }
        let fingerprint = baseCache == nil ? nil : try ModelFingerprint.of(path: original)
        let originalScores = try OriginalLogProbs.prepare(original: base, tokens: tokens, textName: scoring.file,
                                                          comparison: comparison, cachePath: cachePath,
                                                          fingerprint: fingerprint, log: common.log)
        let reader = originalScores.reader
        let classes = byClass ? Self.classifier(tokens: tokens, tokenizer: base.tokenizer) : nil
        let baseHeader = originalScores.header
        var rows = [ComparisonRow(name: original, report: CandidateReport(
            path: original, fileBytes: base.fileBytes, bitsPerWeight: base.bitsPerWeight,
            perplexity: baseHeader.perplexity, perplexityError: baseHeader.perplexityError, deltaPerplexity: 0,
            meanKLDivergence: 0, klDivergenceP99: 0, topTokenAgreement: 1, tokensPerSecond: baseHeader.tokensPerSecond))]
        for candidate in candidates {
            common.log("scoring \(candidate)")
            let loaded = try LoadedModel.open(candidate, threads: common.threads, weightCacheBytes: weightCache.bytes, gpu: gpu)
            let candidateTokens = try loaded.tokenize(textFile: scoring.file)
            let report = try comparison.scoreCandidate(model: loaded.model, tokens: candidateTokens, modelPath: candidate,
                                                       textPath: scoring.file, base: reader, fileBytes: loaded.fileBytes,
                                                       bitsPerWeight: loaded.bitsPerWeight, classes: classes)
            var weighted = report
            weighted.importanceMatrix = loaded.importanceMatrix
            weighted.fileType = loaded.fileType
            rows.append(ComparisonRow(name: candidate, report: weighted))
        }
        let caption = "\(scoring.file): \(baseHeader.chunks) chunks of \(scoring.context) tokens; KL divergence and top-1 agreement against \(original)"
        if let svg {
            try Self.write(ComparisonCharts.svg(rows, title: "ggufkit compare"), to: svg)
        }
        if let html {
            try Self.write(ComparisonCharts.html(rows, title: "ggufkit compare", caption: caption), to: html)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let document = ComparisonDocument(text: scoring.file, context: scoring.context, chunks: baseHeader.chunks,
                                              original: rows[0].report, candidates: rows.dropFirst().map(\.report))
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else if csv {
            print(ComparisonTable.csv(rows))
        } else {
            print(ComparisonTable.text(rows, text: scoring.file, context: scoring.context, chunks: baseHeader.chunks))
            for row in rows.dropFirst() {
                if let byClass = row.report.byClass { print("\n" + ClassTable.text(byClass, candidate: row.name)) }
            }
        }
    }

    /// Writes a report file whole or not at all.
    static func write(_ text: String, to path: String) throws {
        let file = try AtomicOutputFile(path: URL(fileURLWithPath: path).standardizedFileURL.path)
        try file.write(Array(text.utf8))
        try file.commit()
    }

    /// Every position's class, worked out once from the original's tokens of the text.
    static func classifier(tokens: [Int32], tokenizer: any TextTokenizer) -> TokenClassifier {
        let all = TokenClass.allCases
        let table = TokenClass.classes(of: tokens, tokenizer: tokenizer).map { all.firstIndex(of: $0) ?? all.count - 1 }
        return TokenClassifier(names: all.map(\.rawValue)) { index in
            table.indices.contains(index) ? table[index] : all.count - 1
        }
    }
}

struct ComparisonRow {
    var name: String
    var report: CandidateReport
}

struct ComparisonDocument: Encodable {
    var text: String
    var context: Int
    var chunks: Int
    var original: CandidateReport
    var candidates: [CandidateReport]
}

/// The aligned table and CSV that `compare` prints.
enum ComparisonTable {
    static let headers = ["model", "imatrix", "size MB", "bpw", "PPL", "±", "ΔPPL", "KLD mean", "KLD p99", "top-1 %",
                          "tok/s"]

    static func cells(_ row: ComparisonRow) -> [String] {
        let r = row.report
        return [
            URL(fileURLWithPath: row.name).lastPathComponent,
            r.importanceMatrix.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "-",
            String(format: "%.1f", Double(r.fileBytes) / 1e6),
            r.bitsPerWeight.map { String(format: "%.2f", $0) } ?? "-",
            String(format: "%.4f", r.perplexity),
            String(format: "%.4f", r.perplexityError),
            String(format: "%+.4f", r.deltaPerplexity),
            String(format: "%.6f", r.meanKLDivergence),
            String(format: "%.6f", r.klDivergenceP99),
            String(format: "%.2f", r.topTokenAgreement * 100),
            String(format: "%.1f", r.tokensPerSecond),
        ]
    }

    static func text(_ rows: [ComparisonRow], text: String, context: Int, chunks: Int) -> String {
        let body = rows.map(cells)
        let widths = headers.indices.map { column in
            max(headers[column].count, body.map { $0[column].count }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column <= 1 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var lines = ["\(text): \(chunks) chunks of \(context) tokens; KL divergence and top-1 agreement against \(rows[0].name)", ""]
        lines.append(line(headers))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines.append(contentsOf: body.map(line))
        return lines.joined(separator: "\n")
    }

    static func csv(_ rows: [ComparisonRow]) -> String {
        let header = "model,imatrix,file_bytes,bits_per_weight,perplexity,perplexity_error,delta_perplexity,kl_divergence_mean,"
            + "kl_divergence_p99,top1_agreement,tokens_per_second"
        let lines = rows.map { row -> String in
            let r = row.report
            let name = row.name.contains(",") || row.name.contains("\"")
                ? "\"" + row.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : row.name
            let imatrix = r.importanceMatrix.map { $0.contains(",") || $0.contains("\"")
                ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 } ?? ""
            return [name, imatrix, "\(r.fileBytes)", r.bitsPerWeight.map { String(format: "%.4f", $0) } ?? "",
                    String(format: "%.6f", r.perplexity), String(format: "%.6f", r.perplexityError),
                    String(format: "%.6f", r.deltaPerplexity), String(format: "%.8f", r.meanKLDivergence),
                    String(format: "%.8f", r.klDivergenceP99), String(format: "%.6f", r.topTokenAgreement),
                    String(format: "%.2f", r.tokensPerSecond)].joined(separator: ",")
        }
        return ([header] + lines).joined(separator: "\n")
    }
}
