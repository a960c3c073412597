import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with `read(2)`, or returns nil when it cannot be opened or read.
///
/// Used instead of `FileManager.contents(atPath:)` and `Data(contentsOf:)`, which on Linux leak a
/// 4 KiB buffer for every empty file they read (found by the batch-manifest fuzz target). Files
/// whose size the kernel reports as 0 but which hold bytes (`/proc`) are read to the end too.
public func readWholeFile(atPath path: String) -> Data? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result = Data()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { return result }
        result.append(contentsOf: chunk[0 ..< count])
    }
}
