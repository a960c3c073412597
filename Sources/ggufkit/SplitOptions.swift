import ArgumentParser
import Conversion
import Foundation
import GGUF

/// `--split-max-size` / `--split-max-tensors`, shared by `convert` and `quantize`: write the
/// output as llama.cpp's split parts (`NAME-00001-of-00003.gguf`, ...), as `llama-gguf-split`
/// would cut it.
struct SplitOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Split the output into parts of at most this much tensor data: bytes, or "
        + "with K, M or G for thousands, millions, billions of bytes (e.g. 4G, as llama-gguf-split).", valueName: "size"))
    var splitMaxSize: String?

    @Option(name: .long, help: ArgumentHelp("Split the output into parts of at most this many tensors.", valueName: "n"))
    var splitMaxTensors: Int?

    func validate() throws {
        _ = try limit()
    }

    func limit() throws -> GGUFSplitLimit? {
        switch (splitMaxSize, splitMaxTensors) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ValidationError("--split-max-size and --split-max-tensors cannot be used together")
        case let (size?, nil):
            guard let limit = GGUFSplitLimit(size: size) else {
                throw ValidationError("--split-max-size '\(size)' is not a positive size such as 4G, 500M or 1000000")
            }
            return limit
        case let (nil, count?):
            guard count >= 1 else { throw ValidationError("--split-max-tensors must be at least 1") }
            return .tensors(count)
        }
    }

    /// Refuses to replace existing parts of a split output unless `--force` is given; any
    /// `NAME-*-of-*.gguf` beside the output counts, since the part count is known only later.
    func checkNoExistingParts(of outputPath: String, force: Bool) throws {
        guard !force, try limit() != nil else { return }
        let url = URL(fileURLWithPath: outputPath)
        let prefix = GGUFSplit.partPaths(forOutput: url.lastPathComponent, count: 1)[0]
            .replacingOccurrences(of: "-00001-of-00001.gguf", with: "-")
        let folder = url.deletingLastPathComponent().path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let existing = names.sorted().first(where: { $0.hasPrefix(prefix) && $0.contains("-of-") && $0.hasSuffix(".gguf") }) {
            throw ConversionError.outputExists(path: (folder as NSString).appendingPathComponent(existing))
        }
    }
}
