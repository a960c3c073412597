import Foundation
import GGUF
import Testing
import TestSupport

/// What `convert` and `quantize` print about the tensors they wrote: the `-v` table (name, shape,
/// from-type, to-type, bytes before and after), the summary line's bits per weight, and the log
/// line naming every tensor whose type fell back because of its row length.
@Suite("ggufkit convert and quantize reports", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct ConversionReportTests {
    /// One row of the `-v` table.
    struct TableRow: Equatable {
        var shape: [Int]
        var from: String
        var to: String
        var before: Int
        var after: Int
        /// Whatever follows the byte counts, e.g. `(fallback from q4_K)`.
        var note: String
    }

    /// The `-v` table's rows by tensor name, and every name in the order printed. A row is
    /// `NAME  [d0, d1]  FROM  TO  BEFORE -> AFTER [NOTE]`; other log lines are skipped.
    static func table(_ log: String) -> (rows: [String: TableRow], names: [String]) {
        var rows: [String: TableRow] = [:], names: [String] = []
        for line in log.split(separator: "\n").map(String.init) {
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"), open < close else { continue }
            let name = line[..<open].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { continue }
            let shape = line[line.index(after: open) ..< close].split(separator: ",")
                .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let rest = line[line.index(after: close)...].split(separator: " ").map(String.init)
            guard rest.count >= 5, rest[3] == "->", let before = Int(rest[2]), let after = Int(rest[4]) else { continue }
            names.append(name)
            rows[name] = TableRow(shape: shape, from: rest[0], to: rest[1], before: before, after: after,
                                  note: rest.dropFirst(5).joined(separator: " "))
        }
        return (rows, names)
    }

    /// The figure before "bits per weight" on the summary line.
    static func bitsPerWeight(_ stdout: String) -> String? {
        guard let range = stdout.range(of: " bits per weight") else { return nil }
        return stdout[..<range.lowerBound].split(separator: " ").last.map(String.init)
    }

    /// Bits per weight of a written file, worked out from its tensor table.
    static func bitsPerWeight(of file: GGUFFile) -> String {
        let bytes = file.tensors.reduce(0) { $0 + $1.byteCount }
        let weights = file.tensors.reduce(0) { $0 + $1.dimensions.reduce(1, *) }
        return String(format: "%.2f", Double(bytes * 8) / Double(weights))
    }

    @Test("convert -v: one table row per tensor with its shape, from-type, to-type and bytes; summary with bits per weight")
    func convertTable() throws {
        let scratch = try TemporaryDirectory()
        var model = TinyModel.llama
        model.dtypes = .all(.bf16)
        try model.write(to: scratch.file("m"))
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("m.gguf"), "--type", "q4_0", "-v", "-t", "2"])
        try #require(result.status == 0, "\(result.stderr)")
        let file = try GGUFFile(path: scratch.file("m.gguf"))
        let (rows, names) = Self.table(result.stderr)
        #expect(names.count == file.tensors.count, "\(result.stderr)")
        #expect(Set(names) == Set(file.tensors.map(\.name)))
        for info in file.tensors {
            let elements = info.dimensions.reduce(1, *)
            #expect(rows[info.name] == TableRow(shape: info.dimensions, from: "bf16", to: info.type.name,
                                                before: elements * 2, after: info.byteCount,
                                                note: rows[info.name]?.note ?? ""), "\(info.name)")
        }
        // ffn_down's 48-wide rows cannot hold Q4_0 blocks: the row says so and the file agrees.
        #expect(rows["blk.0.ffn_down.weight"]?.to == "f16")
        #expect(rows["blk.0.ffn_down.weight"]?.note == "(fallback from q4_0)")
        #expect(rows["blk.0.attn_q.weight"]?.to == "q4_0")
        #expect(Self.bitsPerWeight(result.stdout) == Self.bitsPerWeight(of: file), "\(result.stdout)")
    }

    @Test("quantize -v: the table reads from-types and bytes from the input GGUF; summary with bits per weight")
    func quantizeTable() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let f32 = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("f32.gguf"), "--type", "f32", "-q"])
        try #require(f32.status == 0, "\(f32.stderr)")
        let result = try CLI.run(["quantize", scratch.file("f32.gguf"), scratch.file("q8.gguf"), "q8_0", "-v", "-t", "2"])
        try #require(result.status == 0, "\(result.stderr)")
        let input = try GGUFFile(path: scratch.file("f32.gguf")), output = try GGUFFile(path: scratch.file("q8.gguf"))
        let (rows, names) = Self.table(result.stderr)
        #expect(names == output.tensors.map(\.name), "\(result.stderr)")
        for info in output.tensors {
            let source = try #require(input.tensor(named: info.name))
            let row = try #require(rows[info.name])
            #expect(row.shape == info.dimensions && row.from == "f32" && row.to == info.type.name, "\(info.name)")
            #expect(row.before == source.byteCount && row.after == info.byteCount, "\(info.name)")
        }
        #expect(rows["blk.1.attn_k.weight"]?.to == "q8_0")
        #expect(result.stdout.hasPrefix("wrote \(scratch.file("q8.gguf")): Q8_0, \(output.tensors.count) tensors"))
        #expect(Self.bitsPerWeight(result.stdout) == Self.bitsPerWeight(of: output), "\(result.stdout)")
    }

    /// Hidden size 32: no row of the tiny model holds a 256-wide K-quant block, so every matrix
    /// Q4_K_M gives a K-quant falls back, and the log must name each with both types. The output
    /// head is the exception, as in llama-quantize: its rule itself picks Q8_0 for such rows.
    @Test("a type fallback is logged naming the tensor, the type asked for and the type written")
    func fallbackLogged() throws {
        let scratch = try TemporaryDirectory()
        try TinyModel.llama.write(to: scratch.file("m"))
        let result = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("m.gguf"), "--type", "q4_k_m", "-t", "2"])
        try #require(result.status == 0, "\(result.stderr)")
        let file = try GGUFFile(path: scratch.file("m.gguf"))
        let line = try #require(result.stderrLines.first { $0.contains("fell back") }, "\(result.stderr)")
        // "N tensors fell back ...: NAME (FROM -> TO), NAME (FROM -> TO), ..."
        let list = try #require(line.range(of: "): ").map { line[$0.upperBound...] }, "\(line)")
        var listed: [String: (from: String, to: String)] = [:]
        for item in list.components(separatedBy: ", ") {
            let parts = item.split(separator: " ", maxSplits: 1).map(String.init)
            let types = parts.last?.trimmingCharacters(in: CharacterSet(charactersIn: "()")).components(separatedBy: " -> ")
            guard parts.count == 2, let types, types.count == 2 else {
                Issue.record("not NAME (FROM -> TO): \(item)")
                continue
            }
            listed[parts[0]] = (types[0], types[1])
        }
        let expected = file.tensors.filter { $0.dimensions.count == 2 && $0.name != "output.weight" }
        #expect(line.hasPrefix("\(expected.count) tensors fell back"), "\(line)")
        #expect(Set(listed.keys) == Set(expected.map(\.name)), "\(line)")
        let kQuants: Set = ["q2_K", "q3_K", "q4_K", "q5_K", "q6_K"]
        for info in expected {
            guard let types = listed[info.name] else { continue }
            #expect(kQuants.contains(types.from), "\(info.name): \(types)")
            #expect(types.to == info.type.name, "\(info.name): \(types) but the file holds \(info.type.name)")
        }
        #expect(listed["blk.0.attn_q.weight"].map { $0.from == "q4_K" && $0.to == "q5_0" } == true, "\(line)")
        #expect(listed["blk.0.ffn_down.weight"].map { $0.from == "q4_K" && $0.to == "f16" } == true, "\(line)")
        #expect(file.tensor(named: "output.weight")?.type == .q8_0)

        let quiet = try CLI.run(["convert", scratch.file("m"), "-o", scratch.file("q.gguf"), "--type", "q4_k_m", "-q"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty, "\(quiet.output)")
    }
}
