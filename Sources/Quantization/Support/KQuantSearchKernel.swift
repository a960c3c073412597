import CQuantKernels

/// Which implementation runs the K-quant scale searches.
///
/// The vector kernels search each group of a super-block in its own SIMD lane with the scalar
/// code's float operations in the same order, so every level gives the same bytes; the scalar
/// Swift searches remain as the reference they are checked against.
enum KQuantSearchKernel {
    /// The Swift scalar searches.
    static let scalar = -1
    /// The widest vector kernel the running CPU supports: 2 AVX-512, 1 AVX2, 0 the portable
    /// build of the same C code.
    static let automatic = Int(ggufkit_quant_simd_level(2))
}
