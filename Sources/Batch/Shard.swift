/// Which part of a batch this process runs: models whose index in the manifest leaves
/// remainder `index` when divided by `count`, so every output of a model (and its one
/// calibration run) lands in one shard and the shards cover each model exactly once.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let all = Shard(uncheckedIndex: 0, count: 1)

    public init(index: Int, count: Int) throws(BatchError) {
        guard count >= 1 else { throw .invalidShard("the count must be at least 1, not \(count)") }
        guard (0 ..< count).contains(index) else { throw .invalidShard("index \(index) is outside 0..<\(count)") }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex: Int, count: Int) {
        index = uncheckedIndex
        self.count = count
    }

    /// `i/n`, as `--shard` takes it.
    public init(parsing text: String) throws(BatchError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw .invalidShard("'\(text)' is not INDEX/COUNT (like 0/3)")
        }
        try self.init(index: index, count: count)
    }

    /// The shard a cluster scheduler assigned through the environment, if any:
    /// Slurm job arrays (`SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`, of
    /// `SLURM_ARRAY_TASK_COUNT`), or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with the
    /// count from `countHint` or `GGUFKIT_SHARD_COUNT`, since Kubernetes does not export it).
    public static func fromEnvironment(_ environment: [String: String], countHint: Int? = nil) throws(BatchError) -> Shard? {
        func integer(_ name: String) throws(BatchError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw .invalidShard("\(name)='\(text)' is not an integer") }
            return value
        }
        if let task = try integer("SLURM_ARRAY_TASK_ID") {
            guard let count = try integer("SLURM_ARRAY_TASK_COUNT") else {
                throw .invalidShard("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
            }
            let minimum = try integer("SLURM_ARRAY_TASK_MIN") ?? 0
            // Arrays like --array=1-3 or 0-6:2 number tasks unevenly; only a contiguous 0-based or
            // offset range maps onto shards one to one.
            if let step = try integer("SLURM_ARRAY_TASK_STEP"), step != 1 {
                throw .invalidShard("SLURM_ARRAY_TASK_STEP is \(step); use a contiguous array (--array=0-N)")
            }
            return try Shard(index: task - minimum, count: count)
        }
        if let index = try integer("JOB_COMPLETION_INDEX") {
            let fromEnvironment = try integer("GGUFKIT_SHARD_COUNT")
            guard let count = countHint ?? fromEnvironment else {
                throw .invalidShard("JOB_COMPLETION_INDEX is set; give the number of completions with --shard-count or GGUFKIT_SHARD_COUNT")
            }
            return try Shard(index: index, count: count)
        }
        return nil
    }

    /// Whether the model at `modelIndex` in the manifest belongs to this shard.
    public func contains(modelIndex: Int) -> Bool { modelIndex % count == index }

    public var description: String { "\(index)/\(count)" }
}
