import GGUF

/// Helpers shared by the K-quant super-block encoders (256 values per block).
enum KQuantRow {
    /// Scratch space one super-block needs; allocated once per row on the stack.
    struct Scratch {
        var levels: UnsafeMutablePointer<UInt8>      // 256 quantized levels
        var auxLevels: UnsafeMutablePointer<UInt8>   // 32 candidate levels for the searches
        var weights: UnsafeMutablePointer<Float>     // 32 per-element weights
        var scales: UnsafeMutablePointer<Float>      // 16 sub-block scales
        var mins: UnsafeMutablePointer<Float>        // 16 sub-block minimums
        var groupWeights: UnsafeMutablePointer<Float> // 16 summed weights per sub-block
        var scaleLevels: UnsafeMutablePointer<UInt8> // 16 quantized scales
        var minLevels: UnsafeMutablePointer<UInt8>   // 16 quantized minimums

        var signedLevels: UnsafeMutablePointer<Int8> {
            UnsafeMutableRawPointer(levels).assumingMemoryBound(to: Int8.self)
        }
        var signedScaleLevels: UnsafeMutablePointer<Int8> {
            UnsafeMutableRawPointer(scaleLevels).assumingMemoryBound(to: Int8.self)
        }
    }

    @inline(__always)
    static func withScratch<R>(_ body: (Scratch) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 16) { raw in
            let base = raw.baseAddress!
            let floats = base.bindMemory(to: Float.self, capacity: 128)
            let bytes = (base + 512).bindMemory(to: UInt8.self, capacity: 512)
            return body(Scratch(levels: bytes, auxLevels: bytes + 256, weights: floats, scales: floats + 32,
                                mins: floats + 48, groupWeights: floats + 64, scaleLevels: bytes + 288,
                                minLevels: bytes + 304))
        }
    }

    /// Runs `body(x, importance, y, scratch)` for every whole super-block that fits both
    /// buffers: `x` the 256 inputs, `importance` their weights (when given for the whole row),
    /// `y` the block's output bytes. The shared driver of every K-quant `quantizeRow`.
    @inline(__always)
    static func forEachBlock(_ type: GGMLType, _ source: UnsafeBufferPointer<Float>,
                             _ destination: UnsafeMutableRawBufferPointer, _ importance: UnsafeBufferPointer<Float>?,
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutableRawPointer, Scratch) -> Void) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let blockBytes = type.bytesPerBlock
        withScratch { scratch in
            for block in 0..<blocks {
                body(input + block * 256, weights.map { $0 + block * 256 }, output + block * blockBytes, scratch)
            }
        }
    }

    /// Sum of squares of the 256 values of a super-block, accumulated in order.
    @inline(__always)
    static func sumOfSquares(_ x: UnsafePointer<Float>) -> Float {
        var sum: Float = 0
        for j in 0..<256 { sum += x[j] * x[j] }
        return sum
    }

    /// Packs 256 two-bit levels four to a byte: byte `l` of each 32-byte group holds
    /// elements `l`, `l+32`, `l+64`, `l+96` of its 128-element half.
    @inline(__always)
    static func packTwoBit(_ levels: UnsafePointer<UInt8>, into q: UnsafeMutablePointer<UInt8>) {
        for half in stride(from: 0, to: 256, by: 128) {
            for l in 0..<32 {
                let a = Int32(levels[half + l]), b = Int32(levels[half + l + 32])
                let c = Int32(levels[half + l + 64]), d = Int32(levels[half + l + 96])
                q[half / 4 + l] = UInt8(truncatingIfNeeded: a | (b << 2) | (c << 4) | (d << 6))
            }
        }
    }
}
