import Batch
import Testing

@Suite("Shards from --shard and from cluster schedulers")
struct ShardTests {
    @Test("i/n parses; bad forms and out-of-range indexes are errors")
    func parsing() throws {
        #expect(try Shard(parsing: "1/3") == Shard(index: 1, count: 3))
        for bad in ["3/3", "-1/3", "1/0", "1", "a/b", "1/3/4", ""] {
            #expect(throws: BatchError.self, "\(bad)") { try Shard(parsing: bad) }
        }
    }

    @Test("Slurm arrays count from SLURM_ARRAY_TASK_MIN; Kubernetes needs a count")
    func environment() throws {
        #expect(try Shard.fromEnvironment([:]) == nil)
        let slurm = ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "3"]
        #expect(try Shard.fromEnvironment(slurm) == Shard(index: 1, count: 3))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"]) == Shard(index: 2, count: 3))
        #expect(throws: BatchError.self) { try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "2"]) }
        #expect(throws: BatchError.self) {
            try Shard.fromEnvironment(slurm.merging(["SLURM_ARRAY_TASK_STEP": "2"]) { $1 })
        }
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], countHint: 2) == Shard(index: 0, count: 2))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "1", "GGUFKIT_SHARD_COUNT": "2"]) == Shard(index: 1, count: 2))
        #expect(throws: BatchError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: BatchError.self) { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "x", "GGUFKIT_SHARD_COUNT": "2"]) }
    }

    @Test("the shards of a count cover every model exactly once")
    func cover() throws {
        for count in 1 ... 5 {
            let shards = try (0 ..< count).map { try Shard(index: $0, count: count) }
            for model in 0 ..< 17 {
                #expect(shards.filter { $0.contains(modelIndex: model) }.count == 1)
            }
        }
    }
}
