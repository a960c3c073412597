import CCPUFeatures
import Foundation

/// Makes OpenBLAS use kernels that match the CPU.
///
/// OpenBLAS built for many CPUs (`DYNAMIC_ARCH`, as Debian ships it) picks its kernels from the
/// CPU model when it loads. A model it does not know (common on virtual machines, which report a
/// generic "Intel Xeon Processor") gets its SSE3 "Prescott" fallback, several times slower than
/// the AVX2 or AVX-512 kernels the CPU can run: on the 2-core AVX-512 machine the project is
/// measured on, a SmolLM2 forward pass went from 230 to 930 tokens per second. When the user has
/// not chosen (`OPENBLAS_CORETYPE`) and OpenBLAS settled for a core below what the CPU supports,
/// this re-runs OpenBLAS's kernel selection with the matching core named. The symbols are looked
/// up at run time, so an OpenBLAS built for one CPU only is left alone.
enum BLASKernelSelection {
    /// Runs the selection once per process, before the first BLAS call.
    static let ensureSelected: Void = select()

    /// OpenBLAS cores that already use AVX2 or wider kernels.
    private static let wideCores: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]

    private static func select() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        let target: String
        switch ggufkit_cpu_simd_level() {
        case 2: target = "SkylakeX"
        case 1: target = "Haswell"
        default: return
        }
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)
        guard let nameSymbol = dlsym(everywhere, "openblas_get_corename"),
              let quitSymbol = dlsym(everywhere, "gotoblas_dynamic_quit"),
              let initSymbol = dlsym(everywhere, "gotoblas_dynamic_init") else { return }
        typealias NameFunction = @convention(c) () -> UnsafePointer<CChar>?
        typealias VoidFunction = @convention(c) () -> Void
        let coreName = unsafeBitCast(nameSymbol, to: NameFunction.self)
        guard let current = coreName().map({ String(cString: $0) }),
              !wideCores.contains(current.lowercased()) else { return }
        setenv("OPENBLAS_CORETYPE", target, 1)
        unsafeBitCast(quitSymbol, to: VoidFunction.self)()
        unsafeBitCast(initSymbol, to: VoidFunction.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }
}
