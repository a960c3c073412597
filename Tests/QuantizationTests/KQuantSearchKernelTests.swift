import CQuantKernels
import GGUF
@testable import Quantization
import Testing
import TestSupport

/// The vector K-quant searches (one SIMD lane per group) must write exactly the bytes of the
/// scalar Swift searches they replace, at every kernel level the machine has: the portable
/// build (0), AVX2 (1) and AVX-512 (2).
@Suite("K-quant vector searches")
struct KQuantSearchKernelTests {
    static let types: [GGMLType] = [.q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

    /// The K-quant format for `type` with the given search kernel.
    static func format(_ type: GGMLType, kernel: Int) -> any BlockFormat {
        switch type {
        case .q2_K: Q2_KFormat(kernel: kernel)
        case .q3_K: Q3_KFormat(kernel: kernel)
        case .q4_K: Q4_KFormat(kernel: kernel)
        case .q5_K: Q5_KFormat(kernel: kernel)
        default: Q6_KFormat(kernel: kernel)
        }
    }

    /// The kernel levels this machine runs, each once (a level the CPU lacks falls back to a lower one).
    static var levels: [Int] {
        Array(Set([0, 1, 2].map { Int(ggufkit_quant_simd_level(Int32($0))) })).sorted()
    }

    /// Rows of 256 · `blocks` values exercising the searches' special cases: plain and heavy-tailed
    /// values, all-zero, constant, one-signed and sparse groups, values near the zero threshold,
    /// and wide dynamic ranges.
    static func rows(blocks: Int, seed: UInt64) -> [[Float]] {
        var generator = SplitMix64(seed: seed)
        let n = 256 * blocks
        var rows: [[Float]] = []
        for kind in 0 ..< 12 {
            var row = (0 ..< n).map { _ in generator.gaussian() }
            switch kind {
            case 1: row = row.map { $0 * $0 * $0 * 0.01 }
            case 2: row = [Float](repeating: 0, count: n)
            case 3: row = [Float](repeating: 0.25, count: n)
            case 4: row = row.map { abs($0) + 0.5 }
            case 5: row = row.map { -abs($0) }
            case 6: row = row.enumerated().map { $0.offset % 17 == 0 ? $0.element : 0 }
            case 7: row = row.map { $0 * 1e-16 }
            case 8: row = row.enumerated().map { $0.element * ($0.offset % 32 < 16 ? 1e-3 : 1e3) }
            case 9:
                // Whole groups of zeros and of one repeated value between ordinary ones.
                for i in 0 ..< n where (i / 16) % 3 == 0 { row[i] = 0 }
                for i in 0 ..< n where (i / 32) % 5 == 1 { row[i] = -1.5 }
            case 10: row = row.map { $0 * 3e4 }
            case 11: row = row.map { ($0 * 4).rounded() / 4 }
            default: break
            }
            rows.append(row)
        }
        return rows
    }

    /// Importance weights for one row: positive, with some zeros (which make ties and flat groups).
    static func importance(count: Int, seed: UInt64) -> [Float] {
        var generator = SplitMix64(seed: seed)
        return (0 ..< count).map { i in i % 29 == 0 ? 0 : abs(generator.gaussian()) + 0.01 }
    }

    @Test("vector and scalar searches write the same bytes", arguments: types, [1, 3])
    func vectorMatchesScalar(type: GGMLType, blocks: Int) throws {
        let scalar = RowQuantizer(format: Self.format(type, kernel: KQuantSearchKernel.scalar), threadCount: 1)
        for level in Self.levels {
            let vector = RowQuantizer(format: Self.format(type, kernel: level), threadCount: 1)
            for (index, row) in Self.rows(blocks: blocks, seed: UInt64(blocks * 100 + Int(type.rawValue))).enumerated() {
                let weights = Self.importance(count: row.count, seed: UInt64(index + 7))
                for importance in [nil, weights] {
                    let expected = try scalar.quantize(row, rowLength: row.count, importance: importance)
                    let actual = try vector.quantize(row, rowLength: row.count, importance: importance)
                    #expect(actual == expected,
                            "\(type.name) level \(level), row kind \(index), importance \(importance != nil)")
                }
            }
        }
    }

    @Test("the default kernel is a vector one")
    func defaultIsVector() {
        #expect(KQuantSearchKernel.automatic >= 0)
        #expect(Q4_KFormat().kernel == KQuantSearchKernel.automatic)
    }
}
