import Foundation

/// llama.cpp's convention for a model stored in several GGUF files (`llama-gguf-split`,
/// `convert_hf_to_gguf.py --split-max-size`): parts named `NAME-00001-of-00004.gguf`, each a
/// complete GGUF file holding some of the tensors. The first part carries all the model's
/// metadata; every part carries ``numberKey``, ``countKey`` and ``tensorCountKey``.
/// llama.cpp loads such a model from its first part.
public enum GGUFSplit {
    /// This part's index, counting from 0 (uint16).
    public static let numberKey = "split.no"
    /// How many parts the model has (uint16).
    public static let countKey = "split.count"
    /// How many tensors all parts hold together (int32).
    public static let tensorCountKey = "split.tensors.count"
    /// The three keys, in the order `llama-gguf-split` leaves them in a part.
    public static let keys = [numberKey, tensorCountKey, countKey]

    /// The most parts the five-digit names and the uint16 count allow.
    public static let maxParts = 99_999

    /// `PREFIX-00002-of-00004.gguf` for `index` 1 (counting from 0) of 4, as `llama_split_path`.
    public static func partPath(prefix: String, index: Int, count: Int) -> String {
        prefix + suffix(index: index, count: count)
    }

    /// The paths of all `count` parts of the model whose output was asked for at `path`:
    /// `model.gguf` gives `model-00001-of-00003.gguf` and so on (the `.gguf` extension, if any,
    /// is dropped before the suffix, as `convert_hf_to_gguf.py` does).
    public static func partPaths(forOutput path: String, count: Int) -> [String] {
        let prefix = path.lowercased().hasSuffix(".gguf") ? String(path.dropLast(5)) : path
        return (0 ..< count).map { partPath(prefix: prefix, index: $0, count: count) }
    }

    /// The prefix of `path` when it is named as part `index` of `count`, as `llama_split_prefix`.
    public static func prefix(ofPart path: String, index: Int, count: Int) -> String? {
        let suffix = suffix(index: index, count: count)
        guard path.count > suffix.count, path.hasSuffix(suffix) else { return nil }
        return String(path.dropLast(suffix.count))
    }

    private static func suffix(index: Int, count: Int) -> String {
        String(format: "-%05d-of-%05d.gguf", index + 1, count)
    }
}

/// When a file being written starts a new part (`--split-max-size`, `--split-max-tensors`).
public enum GGUFSplitLimit: Sendable, Equatable {
    /// At most this many tensors per part.
    case tensors(Int)
    /// At most this many bytes of tensor data (each tensor padded to the alignment) per part;
    /// the metadata does not count, as in `llama-gguf-split`. A tensor larger than the limit
    /// gets a part of its own.
    case bytes(Int)

    /// Reads a size as `llama-gguf-split` and `convert_hf_to_gguf.py` write it: a whole number
    /// of bytes, or followed by `K`, `M` or `G` for thousands, millions or billions of bytes.
    public init?(size text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Int] = ["K": 1000, "M": 1_000_000, "G": 1_000_000_000]
        var digits = Substring(trimmed)
        var unit = 1
        if let last = trimmed.last?.uppercased().first, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        self = .bytes(bytes)
    }

    /// The tensors of each part, as ranges of indices into `byteCounts` (one entry per tensor,
    /// in file order), split where `llama-gguf-split` splits: by count, every `n` tensors; by
    /// size, before the tensor that would take the part's padded data past the limit.
    public func partition(byteCounts: [Int], alignment: Int = GGUFFormat.defaultAlignment) -> [Range<Int>] {
        var starts = [0]
        switch self {
        case let .tensors(limit):
            let step = max(1, limit)
            starts += stride(from: step, to: byteCounts.count, by: step)
        case let .bytes(limit):
            var partBytes = 0
            for (index, count) in byteCounts.enumerated() {
                let padded = GGUFFormat.alignUp(count, to: alignment) ?? count
                let (next, overflow) = partBytes.addingReportingOverflow(padded)
                if (overflow || next > limit), index > starts.last! {
                    starts.append(index)
                    partBytes = padded
                } else {
                    partBytes = overflow ? Int.max : next
                }
            }
        }
        let ends = starts.dropFirst() + [max(byteCounts.count, starts.last!)]
        return zip(starts, ends).map { $0 ..< $1 }
    }
}
