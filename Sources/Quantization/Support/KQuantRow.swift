import GGUF

/// Helpers shared by the K-quant super-block encoders (256 values per block).
enum KQuantRow {
    /// Scratch space for up to two super-blocks (the vector searches take two Q4_K/Q5_K blocks
    /// at once); allocated once per row on the stack.
    struct Scratch {
        var levels: UnsafeMutablePointer<UInt8>      // 512 quantized levels
        var auxLevels: UnsafeMutablePointer<UInt8>   // 32 candidate levels for the searches
        var weights: UnsafeMutablePointer<Float>     // 512 per-element weights
        var scales: UnsafeMutablePointer<Float>      // 32 sub-block scales
        var mins: UnsafeMutablePointer<Float>        // 32 sub-block minimums
        var groupWeights: UnsafeMutablePointer<Float> // 32 summed weights per sub-block
        var scaleLevels: UnsafeMutablePointer<UInt8> // 32 quantized scales
        var minLevels: UnsafeMutablePointer<UInt8>   // 32 quantized minimums

        var signedLevels: UnsafeMutablePointer<Int8> {
            UnsafeMutableRawPointer(levels).assumingMemoryBound(to: Int8.self)
        }
        var signedScaleLevels: UnsafeMutablePointer<Int8> {
            UnsafeMutableRawPointer(scaleLevels).assumingMemoryBound(to: Int8.self)
        }

        /// The same buffers moved on by `blocks` super-blocks (of a two-block scratch).
        func advanced(byBlocks blocks: Int) -> Scratch {
            Scratch(levels: levels + 256 * blocks, auxLevels: auxLevels, weights: weights + 256 * blocks,
                    scales: scales + 16 * blocks, mins: mins + 16 * blocks, groupWeights: groupWeights + 16 * blocks,
                    scaleLevels: scaleLevels + 16 * blocks, minLevels: minLevels + 16 * blocks)
        }
    }

    @inline(__always)
    static func withScratch<R>(_ body: (Scratch) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: 3072, alignment: 64) { raw in
            let base = raw.baseAddress!
            let floats = base.bindMemory(to: Float.self, capacity: 608)
            let bytes = (base + 2432).bindMemory(to: UInt8.self, capacity: 640)
            return body(Scratch(levels: bytes, auxLevels: bytes + 512, weights: floats, scales: floats + 512,
                                mins: floats + 544, groupWeights: floats + 576, scaleLevels: bytes + 544,
                                minLevels: bytes + 576))
        }
    }

    /// Runs `body(x, importance, y, scratch)` for every whole super-block that fits both
    /// buffers: `x` the 256 inputs, `importance` their weights (when given for the whole row),
    /// `y` the block's output bytes. The shared driver of every K-quant `quantizeRow`.
    @inline(__always)
    static func forEachBlock(_ type: GGMLType, _ source: UnsafeBufferPointer<Float>,
                             _ destination: UnsafeMutableRawBufferPointer, _ importance: UnsafeBufferPointer<Float>?,
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutableRawPointer, Scratch) -> Void) {
        forEachBlockBatch(type, source, destination, importance, batch: 1) { x, weights, y, _, scratch in
            body(x, weights, y, scratch)
        }
    }

    /// ``forEachBlock(_:_:_:_:_:)`` handing over up to `batch` (1 or 2) consecutive super-blocks
    /// at a time: `body(x, importance, y, count, scratch)`, the last call with fewer when the
    /// row's block count is not a multiple of `batch`.
    @inline(__always)
    static func forEachBlockBatch(_ type: GGMLType, _ source: UnsafeBufferPointer<Float>,
                                  _ destination: UnsafeMutableRawBufferPointer,
                                  _ importance: UnsafeBufferPointer<Float>?, batch: Int,
                                  _ body: (UnsafePointer<Float>, UnsafePointer<Float>?, UnsafeMutableRawPointer, Int,
                                           Scratch) -> Void) {
        let blocks = BlockLoop.blockCount(type, elements: source.count, bytes: destination.count)
        guard blocks > 0, let input = source.baseAddress, let output = destination.baseAddress else { return }
        let weights = BlockLoop.weights(importance, covering: blocks * 256)
        let blockBytes = type.bytesPerBlock
        withScratch { scratch in
            var block = 0
            while block < blocks {
                let count = Swift.min(batch, blocks - block)
                body(input + block * 256, weights.map { $0 + block * 256 }, output + block * blockBytes, count, scratch)
                block += count
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
