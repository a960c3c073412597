import Batch
import Foundation

/// A `ggufkit batch` manifest (YAML through Yams), then the plan of every shard of three.
public enum BatchManifestTarget: FuzzTarget {
    public static let name = "batch-manifest"
    public static let halfInputsAreInvalid = false

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let path = try scratch.write(input, as: "manifest.yaml")
        let manifest = try BatchManifest.load(path: path)
        for index in 0 ..< 3 {
            blackHole(BatchPlan(manifest: manifest, shard: try Shard(index: index, count: 3)).jobs.count)
        }
    }
}
