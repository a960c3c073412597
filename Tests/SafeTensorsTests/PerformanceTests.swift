import Foundation
import SafeTensors
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Opening is lazy and fast")
struct PerformanceTests {
    @Test("a 300-tensor header parses in milliseconds")
    func largeHeader() throws {
        let folder = try TemporaryDirectory()
        var writer = SafeTensorsWriter()
        let parts = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj",
                     "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm", "extra"]
        for layer in 0 ..< 30 {
            for part in parts {
                writer.add(name: "model.layers.\(layer).\(part).weight", dtype: .bf16, shape: [1, 16], byteCount: 32) {
                    try [UInt8](repeating: 0, count: 32).withUnsafeBytes($0)
                }
            }
        }
        let path = folder.file("many.safetensors")
        try writer.write(to: path, metadata: ["format": "pt"])

        var best = Double.infinity
        var file: SafeTensorsFile?
        for _ in 0 ..< 5 {
            let start = DispatchTime.now().uptimeNanoseconds
            file = try SafeTensorsFile(path: path)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        #expect(file?.tensors.count == 300)
        // Generous for unoptimised builds on a loaded machine; release builds take well under 1 ms.
        #expect(best < 0.1, "opening took \(best * 1000) ms")
    }

    @Test("opening maps the file without reading tensor data")
    func lazyOpen() throws {
        let folder = try TemporaryDirectory()
        let tensorBytes = 256 << 20
        let header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[\(tensorBytes)],\"data_offsets\":[0,\(tensorBytes)]}}"
        let path = try folder.writeRaw("sparse.safetensors", header: header)
        // A hole: nothing is in the page cache until someone reads it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(8 + header.utf8.count + tensorBytes))
        try handle.close()

        let file = try SafeTensorsFile(path: path)
        let info = try #require(file.info(named: "big"))
        let data = file.data(for: info)
        #expect(data.count == tensorBytes)
        let resident = try residentBytes(data)
        // Fault-around and readahead near the header may pull in a little; a read of the
        // data would make all 256 MiB resident.
        #expect(resident < 8 << 20, "\(resident) bytes of tensor data became resident on open")

        // Proves the measurement can see reads: touching the last 16 MiB makes them resident.
        let touched = 16 << 20
        var sum = 0
        for offset in stride(from: tensorBytes - touched, to: tensorBytes, by: 4096) { sum &+= Int(data[offset]) }
        #expect(sum == 0)
        #expect(try residentBytes(data) >= touched)
        file.advise(info, willNeed: false)
    }

    /// How many bytes of `buffer` are in memory, per `mincore`.
    private func residentBytes(_ buffer: UnsafeRawBufferPointer) throws -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: buffer.baseAddress) / page * page
        let end = Int(bitPattern: buffer.baseAddress) + buffer.count
        let pages = (end - start + page - 1) / page
        var vector = [UInt8](repeating: 0, count: pages)
        let status = vector.withUnsafeMutableBufferPointer { out in
            mincore(UnsafeMutableRawPointer(bitPattern: start), end - start, out.baseAddress)
        }
        try #require(status == 0, "mincore failed: errno \(errno)")
        return vector.reduce(0) { $0 + Int($1 & 1) } * page
    }
}
