import GGUF

/// `ggufkit check`: the traps users hit after converting, found in one GGUF file (a split model
/// from its first part).
public enum FileChecker {
    /// Checks the metadata and tensor shapes, then (unless `scanValues` is false) every value
    /// of every tensor.
    public static func check(_ file: GGUFFile, scanValues: Bool = true, threads: Int = 1) -> CheckReport {
        var findings = MetadataChecks.run(metadata: file.metadata, tensors: file.tensors)
        var scanned = 0
        if scanValues {
            let counts = TensorValueScan.scan(file, threads: threads)
            scanned = counts.compactMap { $0 }.count
            findings += valueFindings(tensors: file.tensors, counts: counts)
        }
        return CheckReport(path: file.path, findings: findings, tensorsScanned: scanned, tensorCount: file.tensors.count)
    }

    /// The findings of a value scan: NaN/infinity, F16 values clamped to ±65504, types not read.
    static func valueFindings(tensors: [GGUFTensorInfo], counts: [TensorValueCounts?]) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let bad = zip(tensors, counts).filter { ($0.1?.nonFinite ?? 0) > 0 }
        if let (first, firstCounts) = bad.first, let counts = firstCounts, let index = counts.firstNonFinite {
            let total = bad.reduce(0) { $0 + ($1.1?.nonFinite ?? 0) }
            let position = "row \(index / first.rowLength), column \(index % first.rowLength)"
            findings.append(CheckFinding(.nonFinite, message: "\(total) NaN or infinite values in \(bad.count) "
                + "tensor\(bad.count == 1 ? "" : "s") (first: \(first.name), \(position)): every output of the model "
                + "becomes NaN", fix: "reconvert from the original checkpoint (with --type bf16 or f32 if it came from "
                + "BF16 values too large for F16); if the checkpoint holds them too, it is broken",
                tensors: bad.map(\.0.name)))
        }
        let saturated = zip(tensors, counts).filter { ($0.1?.f16Saturated ?? 0) > 0 }
        if !saturated.isEmpty {
            let total = saturated.reduce(0) { $0 + ($1.1?.f16Saturated ?? 0) }
            findings.append(CheckFinding(.f16Saturated, message: "\(total) values at ±65504, the largest F16 value, in "
                + "\(saturated.count) F16 tensor\(saturated.count == 1 ? "" : "s") (first: \(saturated[0].0.name)): "
                + "the converter clamped values that did not fit in F16", fix: "convert from the original checkpoint "
                + "with --type bf16 (or f32), which hold them", tensors: saturated.map(\.0.name)))
        }
        let unread = zip(tensors, counts).filter { $0.1 == nil }.map(\.0)
        if !unread.isEmpty {
            let types = Set(unread.map(\.type.name)).sorted().joined(separator: ", ")
            findings.append(CheckFinding(.notScanned, .note, message: "\(unread.count) tensors of type \(types) were "
                + "not scanned for NaN/infinity: ggufkit cannot decode that type", fix: "none needed; llama.cpp's "
                + "--check-tensors reads them", tensors: unread.map(\.name)))
        }
        return findings
    }
}
