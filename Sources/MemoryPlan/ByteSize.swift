import Foundation

/// Memory sizes as the plan reads and prints them: binary units, as llama.cpp's load log (MiB).
public enum ByteSize {
    /// `8G`, `8GiB`, `8GB`, `512M`, `1.5T` or a plain number of bytes; every unit is binary
    /// (G = 2^30), since memory is sold and reported that way.
    public static func parse(_ text: String) -> Int? {
        var number = text.trimmingCharacters(in: [" "]).uppercased()
        for suffix in ["IB", "B"] where number.hasSuffix(suffix) {
            number.removeLast(suffix.count)
            break
        }
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var scale = 1.0
        if let last = number.last, let unit = units[last] {
            scale = unit
            number.removeLast()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number),
              value > 0, value * scale < 0x1p62 else { return nil }
        return Int(value * scale)
    }

    /// `bytes` in MiB with two decimals, computed as llama.cpp prints its buffer sizes
    /// (a `float` divided by 1024², through `%.2f`), so the figures compare as text.
    public static func mib(_ bytes: Int) -> String {
        String(format: "%.2f MiB", Double(Float(bytes) / (1024 * 1024)))
    }

    /// `bytes` in GiB with two decimals.
    public static func gib(_ bytes: Int) -> String {
        String(format: "%.2f GiB", Double(bytes) / 0x1p30)
    }
}
