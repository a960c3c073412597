import Conversion
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Renders conversion progress on stderr: a redrawn bar on a terminal, a line every few
/// seconds otherwise (logs and CI), nothing when quiet.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let isTerminal: Bool
    private var lastDraw = -1.0
    private let lock = NSLock()

    init(quiet: Bool) {
        enabled = !quiet
        isTerminal = isatty(STDERR_FILENO) != 0
    }

    func update(_ p: ConversionProgress) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let interval = isTerminal ? 0.1 : 5.0
        let finished = p.tensorsDone == p.tensorCount
        guard finished || p.elapsed - lastDraw >= interval else { return }
        lastDraw = p.elapsed
        let fraction = p.bytesTotal > 0 ? Double(p.bytesDone) / Double(p.bytesTotal) : 1
        let rate = p.elapsed > 0 ? Double(p.bytesDone) / p.elapsed : 0
        let eta = rate > 0 ? Double(p.bytesTotal - p.bytesDone) / rate : 0
        let stats = "\(p.tensorsDone)/\(p.tensorCount) tensors  \(Format.bytes(p.bytesDone))/\(Format.bytes(p.bytesTotal))"
            + "  \(Format.bytes(Int(rate)))/s  ETA \(Format.seconds(eta))"
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(Int(fraction * 100))%  \(stats)".utf8))
            if finished { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        } else if !finished {
            FileHandle.standardError.write(Data("progress: \(Int(fraction * 100))%  \(stats)\n".utf8))
        }
    }
}

enum Format {
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func seconds(_ s: Double) -> String {
        s < 60 ? String(format: "%.1fs", s) : String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
    }
}
