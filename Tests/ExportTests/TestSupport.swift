import GGUF

/// BF16 bits as ggml rounds them (nearest even), written independently of the code under test.
func bf16Rounded(_ value: Float) -> Float {
    let bits = value.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return Float(bitPattern: rounded)
}

/// Reads an F32 GGUF tensor's values.
func floats(of info: GGUFTensorInfo, in file: GGUFFile) -> [Float] {
    let data = file.data(for: info)
    return (0 ..< info.elementCount).map { data.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
}
