import Foundation
import Models

/// Recovers llama3-style `rope_scaling` from the `rope_freqs.weight` factors the converter
/// computed from it, so dropping the tensor does not lose the long-context setting.
///
/// The factors do not determine every parameter on their own, so the recovery tries the
/// values Llama 3.x ships (low 1, high 4, original context 8192) with the largest factor
/// as the scale, and accepts them only if they reproduce every factor.
enum Llama3RopeRecovery {
    static func recover(factors: [Float], headDim: Int, theta: Double) -> RopeScaling? {
        guard factors.count * 2 == headDim, let scale = factors.max(), scale.isFinite, scale >= 1 else { return nil }
        let low = 1.0, high = 4.0, original = 8192.0
        let expected = computeFactors(scale: Double(scale), low: low, high: high, original: original,
                                      base: theta, dim: headDim)
        for (found, wanted) in zip(factors, expected) {
            guard abs(Double(found) - wanted) <= 1e-5 * max(1, abs(wanted)) else { return nil }
        }
        return RopeScaling(type: "llama3", factor: Double(scale), originalMaxPositionEmbeddings: Int(original),
                           lowFreqFactor: low, highFreqFactor: high)
    }

    /// The converter's formula: long wavelengths are divided by the scale, short ones kept,
    /// the band between blended smoothly.
    private static func computeFactors(scale: Double, low: Double, high: Double, original: Double,
                                       base: Double, dim: Int) -> [Double] {
        let lowWavelength = original / low
        let highWavelength = original / high
        return stride(from: 0, to: dim, by: 2).map { i in
            let wavelength = 2 * Double.pi * pow(base, Double(i) / Double(dim))
            if wavelength < highWavelength { return 1 }
            if wavelength > lowWavelength { return scale }
            let smooth = (original / wavelength - low) / (high - low)
            return 1 / ((1 - smooth) / scale + smooth)
        }
    }
}
