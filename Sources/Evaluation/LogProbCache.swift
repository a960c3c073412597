import FileSupport
import Foundation

/// The original model's per-token log-probabilities on a text, kept so candidates can be
/// compared against it without scoring the original again.
///
/// Layout: 8-byte magic; one record per chunk (UInt64 length + a zstd frame holding that
/// chunk's NLLs (Float64), argmax tokens (Int32) and full log-probability rows (Float16));
/// then the JSON header (vocabulary, context, chunks, a digest of the scored tokens, the
/// original's perplexity), its UInt32 length and the magic again. The header comes last so
/// chunks can be written as they are scored: memory stays at one batch of chunks however
/// long the text. Rows are stored at half precision: 98 KB a token for a 49k vocabulary
/// before compression.
public struct LogProbCacheHeader: Codable, Equatable, Sendable {
    public var vocabSize: Int
    public var contextLength: Int
    public var chunks: Int
    public var scoredPerChunk: Int
    public var tokenDigest: String
    public var modelPath: String
    public var perplexity: Double
    public var perplexityError: Double
    public var tokensPerSecond: Double
    public var seconds: Double
    public var runningPerplexity: [Double]
    /// ``ModelFingerprint`` of the model scored; caches written before it existed have none and
    /// are never reused.
    public var modelFingerprint: String?

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", contextLength = "context_length", chunks
        case scoredPerChunk = "scored_per_chunk", tokenDigest = "token_digest", modelPath = "model_path"
        case perplexity, perplexityError = "perplexity_error", tokensPerSecond = "tokens_per_second"
        case seconds, runningPerplexity = "running_perplexity", modelFingerprint = "model_fingerprint"
    }

    /// Bytes of one chunk's uncompressed record.
    var chunkBytes: Int { scoredPerChunk * (8 + 4 + vocabSize * 2) }
}

/// One chunk of cached base values.
public struct LogProbChunk {
    public var nll: [Double]
    public var argmax: [Int32]
    /// scoredPerChunk × vocabSize log-probabilities.
    public var logProbs: [Float16]
}

enum LogProbCacheFormat {
    static let magic: [UInt8] = Array("GGUFKLP1".utf8)
    static let maxHeaderBytes = 16 << 20
}

/// Streams chunks into a cache file (atomically: it appears only when complete).
public final class LogProbCacheWriter {
    private let file: AtomicOutputFile
    private let vocabSize: Int
    private let scoredPerChunk: Int
    public private(set) var chunksWritten = 0

    public init(path: String, vocabSize: Int, scoredPerChunk: Int) throws {
        self.vocabSize = vocabSize
        self.scoredPerChunk = scoredPerChunk
        file = try AtomicOutputFile(path: path)
        try file.write(LogProbCacheFormat.magic)
    }

    /// Compresses and writes the next chunk.
    public func append(_ chunk: LogProbChunk) throws {
        let expected = scoredPerChunk * (8 + 4 + vocabSize * 2)
        var record = [UInt8]()
        record.reserveCapacity(expected)
        chunk.nll.withUnsafeBytes { record.append(contentsOf: $0) }
        chunk.argmax.withUnsafeBytes { record.append(contentsOf: $0) }
        chunk.logProbs.withUnsafeBytes { record.append(contentsOf: $0) }
        guard record.count == expected else {
            throw EvaluationError.invalidOption("cache chunk has \(record.count) bytes, expected \(expected)")
        }
        let frame = try record.withUnsafeBytes { try Zstd.compress($0) }
        try withUnsafeBytes(of: UInt64(frame.count).littleEndian) { try file.write($0) }
        try file.write(frame)
        chunksWritten += 1
    }

    /// Writes the header trailer and moves the file into place.
    public func commit(header: LogProbCacheHeader) throws {
        guard header.chunks == chunksWritten, header.vocabSize == vocabSize, header.scoredPerChunk == scoredPerChunk else {
            throw EvaluationError.invalidOption("cache header does not describe the \(chunksWritten) chunks written")
        }
        let json = try JSONEncoder().encode(header)
        try file.write([UInt8](json))
        try withUnsafeBytes(of: UInt32(json.count).littleEndian) { try file.write($0) }
        try file.write(LogProbCacheFormat.magic)
        try file.commit()
    }
}

/// Reads a cache file chunk by chunk, validating every length against the file.
public final class LogProbCacheReader {
    public let header: LogProbCacheHeader
    private let mapping: MappedFile
    private var offsets: [Range<Int>] = []

    public init(path: String) throws {
        mapping = try MappedFile(path: path)
        func fail(_ reason: String) -> EvaluationError { .invalidCache(path: path, reason: reason) }
        let bytes = mapping.bytes
        let magic = LogProbCacheFormat.magic
        let trailer = magic.count + 4
        guard bytes.count >= magic.count + trailer, Array(bytes[0 ..< magic.count]) == magic else {
            throw fail("bad magic")
        }
        guard Array(bytes[(bytes.count - magic.count)...]) == magic else {
            throw fail("no header trailer: the file is truncated")
        }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - trailer, as: UInt32.self)))
        guard length <= LogProbCacheFormat.maxHeaderBytes, length <= bytes.count - trailer - magic.count else {
            throw fail("header length \(length) runs past the start of the file")
        }
        let headerStart = bytes.count - trailer - length
        do {
            header = try JSONDecoder().decode(LogProbCacheHeader.self,
                                              from: Data(bytes[headerStart ..< (bytes.count - trailer)]))
        } catch {
            throw fail("header is not valid JSON: \(error)")
        }
        guard header.vocabSize > 0, header.vocabSize < 1 << 24, header.scoredPerChunk > 0,
              header.scoredPerChunk < 1 << 20, header.chunks > 0, header.chunks < 1 << 20 else {
            throw fail("header values out of range")
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0 ..< headerStart]), offset: magic.count)
        for index in 0 ..< header.chunks {
            guard let size = reader.read(UInt64.self), size <= UInt64(reader.remaining) else {
                throw fail("chunk \(index) at byte \(reader.offset) runs past the header")
            }
            offsets.append(reader.offset ..< reader.offset + Int(size))
            _ = reader.skip(Int(size))
        }
    }

    public func chunk(_ index: Int) throws -> LogProbChunk {
        guard offsets.indices.contains(index) else {
            throw EvaluationError.invalidCache(path: mapping.path, reason: "no chunk \(index)")
        }
        let n = header.scoredPerChunk
        var record = [UInt8](repeating: 0, count: header.chunkBytes)
        let frame = try mapping.bytes(offset: offsets[index].lowerBound, length: offsets[index].count)
        try record.withUnsafeMutableBytes { try Zstd.decompress(frame, expectedSize: header.chunkBytes, into: $0) }
        return record.withUnsafeBytes { raw in
            let nll = (0 ..< n).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
            let argmax = (0 ..< n).map { raw.loadUnaligned(fromByteOffset: n * 8 + $0 * 4, as: Int32.self) }
            let rows = UnsafeRawBufferPointer(rebasing: raw[(n * 12)...])
            var logProbs = [Float16](repeating: 0, count: n * header.vocabSize)
            logProbs.withUnsafeMutableBytes { $0.copyMemory(from: rows) }
            return LogProbChunk(nll: nll, argmax: argmax, logProbs: logProbs)
        }
    }
}

/// A short digest of the scored token stream, so a cache is only reused for the same text,
/// tokenizer and context.
public func tokenDigest(_ tokens: [Int32], context: Int, chunks: Int) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func mix(_ value: UInt64) {
        hash ^= value
        hash = hash &* 0x100_0000_01b3
    }
    mix(UInt64(context)); mix(UInt64(chunks))
    for token in tokens.prefix(context * chunks) { mix(UInt64(UInt32(bitPattern: token))) }
    return String(hash, radix: 16)
}
