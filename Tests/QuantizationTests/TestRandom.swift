import Foundation
import TestSupport

extension SplitMix64 {
    /// A standard normal sample (Box–Muller), as Float.
    mutating func gaussian() -> Float {
        let u1 = Double(next() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
