import ArgumentParser

/// `--weight-cache`: lets a user trade memory for batch speed by keeping decoded F32 weights.
struct WeightCacheOption: ParsableArguments {
    @Option(name: .customLong("weight-cache"),
            help: "MiB of weights to keep decoded as F32 between batches (default 0: weights stay in the file's encoding).")
    var mebibytes = 0

    func validate() throws {
        guard mebibytes >= 0, mebibytes <= 1 << 30 else { throw ValidationError("--weight-cache must be 0 or more MiB") }
    }

    var bytes: Int { mebibytes << 20 }
}
