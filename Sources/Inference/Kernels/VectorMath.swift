/// Sixteen-lane helpers for the element-wise steps between matrix products.
///
/// Every reduction runs in a fixed order (lanes, then the lane sum, then the tail), so a
/// row gives the same bits whichever worker computes it.
enum VectorMath {
    typealias Vector = SIMD16<Float>
    static let width = 16

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ value: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// Lane-wise maximum. (The standard library's `pointwiseMax` handles NaN lane by lane and
    /// compiles to a scalar loop; a compare and select stays in vector registers.)
    @inline(__always)
    static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }

    /// The largest lane.
    @inline(__always)
    static func largest(_ v: Vector) -> Float {
        var result = v[0]
        for lane in 1 ..< width where v[lane] > result { result = v[lane] }
        return result
    }

    /// `e^x` for every lane, within 1 ulp for inputs in [-87, 88) (checked against `Foundation.exp`);
    /// inputs outside are clamped to that range.
    ///
    /// Cody–Waite range reduction to `r = x - n·ln2` with |r| ≤ ln2/2, a degree-6 polynomial for
    /// `e^r`, and `2^n` built directly in the exponent bits. Rounding uses the 1.5·2²³ trick,
    /// which needs no rounding instruction beyond baseline SSE2.
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        var x = input.replacing(with: -87, where: input .< -87)
        x.replace(with: 88, where: x .> 88)
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = r * 1.987_569_15e-4 + 1.398_199_95e-3
        p = p * r + 8.333_451_907e-3
        p = p * r + 4.166_579_589e-2
        p = p * r + 1.666_666_546e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: Vector.self)
        return p * scale
    }

    /// Runs `body` on `count` values in 16-lane steps; the tail is padded with `padding` and
    /// only its real lanes are written back.
    @inline(__always)
    static func map(_ pointer: UnsafeMutablePointer<Float>, count: Int, padding: Float = 0,
                    _ body: (Vector) -> Vector) {
        var i = 0
        while i + width <= count {
            store(body(load(pointer + i)), pointer + i)
            i += width
        }
        if i < count {
            var tail = Vector(repeating: padding)
            for lane in 0 ..< count - i { tail[lane] = pointer[i + lane] }
            let result = body(tail)
            for lane in 0 ..< count - i { pointer[i + lane] = result[lane] }
        }
    }

    /// Σ x².
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = Vector()
        var i = 0
        while i + width <= count {
            let v = load(x + i)
            lanes += v * v
            i += width
        }
        var total = lanes.sum()
        while i < count {
            total += x[i] * x[i]
            i += 1
        }
        return total
    }

    /// `output = x / sqrt(mean(x²) + epsilon) * weight` (weight optional), as llama.cpp's
    /// `rms_norm` followed by the weight multiply. `output` may equal `x`.
    static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, count: Int, epsilon: Float,
                        output: UnsafeMutablePointer<Float>) {
        let mean = sumOfSquares(x, count: count) / Float(count)
        let scale = 1 / (mean + epsilon).squareRoot()
        var i = 0
        if let weight {
            while i + width <= count {
                store(load(x + i) * scale * load(weight + i), output + i)
                i += width
            }
            while i < count {
                output[i] = x[i] * scale * weight[i]
                i += 1
            }
        } else {
            while i + width <= count {
                store(load(x + i) * scale, output + i)
                i += width
            }
            while i < count {
                output[i] = x[i] * scale
                i += 1
            }
        }
    }

    /// `x += bias`.
    static func add(_ bias: UnsafePointer<Float>, to x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + width <= count {
            store(load(x + i) + load(bias + i), x + i)
            i += width
        }
        while i < count {
            x[i] += bias[i]
            i += 1
        }
    }

    /// `x *= factor`.
    static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        map(x, count: count) { $0 * factor }
    }

    /// SwiGLU in place: `gate[j] = silu(gate[j]) · up[j]` with `silu(g) = g / (1 + e^-g)`.
    static func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        var i = 0
        while i + width <= count {
            let g = load(gate + i)
            store(g / (1 + exp(-g)) * load(up + i), gate + i)
            i += width
        }
        if i < count {
            var g = Vector(), u = Vector()
            for lane in 0 ..< count - i {
                g[lane] = gate[i + lane]
                u[lane] = up[i + lane]
            }
            let result = g / (1 + exp(-g)) * u
            for lane in 0 ..< count - i { gate[i + lane] = result[lane] }
        }
    }

    /// Replaces the first `valid` scores with `e^(s - max)` and zeroes the rest of the row's
    /// `width` entries; returns the sum of the exponentials.
    static func softmaxNumerators(_ row: UnsafeMutablePointer<Float>, valid: Int, rowWidth: Int) -> Float {
        var peak: Float
        var lanes = Vector(repeating: -.infinity)
        var i = 0
        while i + width <= valid {
            lanes = maximum(lanes, load(row + i))
            i += width
        }
        peak = largest(lanes)
        while i < valid {
            peak = max(peak, row[i])
            i += 1
        }
        var sums = Vector()
        i = 0
        while i + width <= valid {
            let e = exp(load(row + i) - peak)
            store(e, row + i)
            sums += e
            i += width
        }
        var total = sums.sum()
        if i < valid {
            var tail = Vector(repeating: -.infinity)
            for lane in 0 ..< valid - i { tail[lane] = row[i + lane] - peak }
            let e = exp(tail)
            for lane in 0 ..< valid - i {
                row[i + lane] = e[lane]
                total += e[lane]
            }
        }
        if valid < rowWidth { (row + valid).update(repeating: 0, count: rowWidth - valid) }
        return total
    }
}
