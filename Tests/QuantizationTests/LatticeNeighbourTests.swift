import CQuantKernels
@testable import Quantization
import Testing
import TestSupport

/// The SIMD distance kernel behind the lattice formats' neighbour search must choose exactly the
/// neighbour the scalar loop (ggml's order of operations) chooses.
@Suite("Lattice neighbour search")
struct LatticeNeighbourTests {
    static let lattices: [(String, TwoBitLattice)] = [("iq2_xxs", .iq2xxs), ("iq2_xs", .iq2xs), ("iq2_s", .iq2s),
                                                       ("iq1_s", .iq1s)]

    @Test("SIMD and scalar searches pick the same neighbour", arguments: [1, 2], 0 ..< 4)
    func simdMatchesScalar(level: Int, latticeIndex: Int) {
        let level = Int(ggufkit_quant_simd_level(Int32(level)))
        guard level > 0 else { return }
        let lattice = Self.lattices[latticeIndex].1
        var generator = SplitMix64(seed: UInt64(31 + latticeIndex))
        let offGrid = (0 ..< TwoBitLattice.indexCount).filter { lattice.neighbourOffset[$0] >= 0 }
        let shifted: [Float] = [-0.875, 0.125, 1.125, 0]
        var mismatches = 0
        for (n, index) in offGrid.enumerated() where n % 3 == 0 {
            var x = (0 ..< 8).map { _ in Float.random(in: 0 ... 3, using: &generator) }
            var w = (0 ..< 8).map { _ in Float.random(in: 0 ... 2, using: &generator) }
            // Zero weights give ties; huge values give infinite distances (the fallback).
            if n % 7 == 0 { w[n % 8] = 0; w[(n + 3) % 8] = 0 }
            if n % 101 == 0 { x[2] = 1e30 }
            let scale = Float.random(in: 0.05 ... 2, using: &generator)
            var scalarLevels = [Int8](repeating: 0, count: 8), simdLevels = scalarLevels
            let (a, b) = shifted.withUnsafeBufferPointer { table in
                let values = latticeIndex == 3 ? table.baseAddress! : nil
                if let values {
                    return (lattice.nearest(of: index, x, w, scale: scale, values: values, levels: &scalarLevels, simdLevel: 0),
                            lattice.nearest(of: index, x, w, scale: scale, values: values, levels: &simdLevels,
                                            simdLevel: level))
                }
                return (lattice.bestNeighbour(of: index, x, w, scale: scale, levels: &scalarLevels, simdLevel: 0),
                        lattice.bestNeighbour(of: index, x, w, scale: scale, levels: &simdLevels, simdLevel: level))
            }
            if a != b || scalarLevels != simdLevels { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(Self.lattices[latticeIndex].0): \(mismatches) indices differ")
    }

    @Test("the 3-bit lattices' SIMD and scalar searches pick the same neighbour", arguments: [1, 2], [false, true])
    func d4SimdMatchesScalar(level: Int, iq3s: Bool) {
        let level = Int(ggufkit_quant_simd_level(Int32(level)))
        guard level > 0 else { return }
        let lattice = iq3s ? D4Lattice.s : D4Lattice.xxs
        var generator = SplitMix64(seed: iq3s ? 3 : 4)
        var mismatches = 0
        for tuple in 0 ..< 4096 where lattice.map[tuple] < 0 {
            var x = (0 ..< 4).map { _ in Float.random(in: 0 ... 15, using: &generator) }
            var w = (0 ..< 4).map { _ in Float.random(in: 0 ... 2, using: &generator) }
            if tuple % 7 == 0 { w[tuple % 4] = 0 }
            if tuple % 101 == 0 { x[1] = 1e30 }
            let scale = Float.random(in: 0.2 ... 2, using: &generator)
            var scalarLevels = [Int8](repeating: 0, count: 4), simdLevels = scalarLevels
            let list = Int(-lattice.map[tuple] - 1)
            let a = lattice.withTables(simdLevel: 0) { tables in
                D4Lattice.bestNeighbour(tables.neighbours + list, tables, tuple: tuple, xval: x, weight: w, scale: scale,
                                        levels: &scalarLevels)
            }
            let b = lattice.withTables(simdLevel: level) { tables in
                D4Lattice.bestNeighbour(tables.neighbours + list, tables, tuple: tuple, xval: x, weight: w, scale: scale,
                                        levels: &simdLevels)
            }
            if a != b || scalarLevels != simdLevels { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(mismatches) tuples differ")
    }
}
