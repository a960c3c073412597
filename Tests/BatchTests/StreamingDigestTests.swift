import FileSupport
import Foundation
import Testing
import TestSupport

@Suite("SHA-256 of a file, read in pieces")
struct StreamingDigestTests {
    @Test("known digests, and a file's digest equals the digest of its bytes at every block boundary")
    func digests() throws {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let folder = try TemporaryDirectory()
        var generator = SplitMix64(seed: 7)
        for size in [0, 1, 55, 56, 63, 64, 65, 127, 128, 4 << 20, (4 << 20) + 13] {
            let bytes = (0 ..< size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let path = folder.file("f\(size)")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(try SHA256.hex(ofFile: path) == SHA256.hex(bytes), "\(size) bytes")
        }
    }
}
