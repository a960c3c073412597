/// Which heads one pruning unit takes away.
public enum PruneGranularity: String, CaseIterable, Sendable {
    /// A whole key/value group: its KV head and every query head that reads it (shrinks the KV cache too).
    case group
    /// One query head from every group of a layer (keeps the KV heads, so the cache stays as it is).
    case query
}

/// How heads are ranked for removal.
public enum PruneMethod: String, CaseIterable, Sendable {
    /// What removing the head changes in the layer's output on calibration text (see ``HeadStatistics``).
    case importance
    /// The norms of the head's value and output weights.
    case norm
    /// Seeded random scores (a baseline).
    case random
}

/// One layer's attention shape.
struct LayerHeads: Equatable {
    var heads: Int
    var keyValueHeads: Int
    var groupSize: Int { heads / keyValueHeads }
}

/// A removable set of heads in one layer.
struct PruningUnit {
    var layer: Int
    /// Query heads removed, ascending.
    var heads: [Int]
    /// KV heads removed (only for ``PruneGranularity/group``).
    var keyValueHeads: [Int]
    /// Lower goes first.
    var score: Double
    /// Position in the layer's removal order (``PruneGranularity/query`` units must go in this order).
    var rank: Int
}

/// Turns per-head scores into units and chooses which go, keeping the rules llama.cpp's
/// grouped-query attention needs: every group of a layer keeps the same number of query heads,
/// and every layer keeps at least one unit.
enum PruningPlanner {
    /// The units of one layer, in the order they would be removed.
    ///
    /// - Parameters:
    ///   - headScores: one score per query head.
    ///   - groupScores: one score per KV group, where the measure scores a group as a whole
    ///     (the sum of its heads' scores otherwise).
    static func units(layer: Int, shape: LayerHeads, granularity: PruneGranularity, headScores: [Double],
                      groupScores: [Double]?) -> [PruningUnit] {
        let size = shape.groupSize
        switch granularity {
        case .group:
            var units = (0 ..< shape.keyValueHeads).map { group -> PruningUnit in
                let heads = Array(group * size ..< (group + 1) * size)
                let score = groupScores?[group] ?? heads.reduce(0) { $0 + headScores[$1] }
                return PruningUnit(layer: layer, heads: heads, keyValueHeads: [group], score: score, rank: 0)
            }
            units.sort { ($0.score, $0.keyValueHeads[0]) < ($1.score, $1.keyValueHeads[0]) }
            for index in units.indices { units[index].rank = index }
            return units
        case .query:
            // Within each group, heads by score; unit j takes the j-th least important of every group.
            let ranked = (0 ..< shape.keyValueHeads).map { group in
                (group * size ..< (group + 1) * size).sorted { (headScores[$0], $0) < (headScores[$1], $1) }
            }
            return (0 ..< size).map { rank in
                let heads = ranked.map { $0[rank] }.sorted()
                return PruningUnit(layer: layer, heads: heads, keyValueHeads: [],
                                   score: heads.reduce(0) { $0 + headScores[$1] }, rank: rank)
            }
        }
    }

    /// The units to remove: the `count` lowest-scoring over the whole model (or the same number
    /// in every layer when `uniform`), each layer keeping at least one unit.
    static func choose(_ layers: [[PruningUnit]], count: Int, uniform: Bool) -> [PruningUnit] {
        if uniform {
            let perLayer = count / max(layers.count, 1)
            return layers.flatMap { $0.prefix(perLayer) }
        }
        // Query units' scores rise with rank within a layer (unit j sums every group's j-th
        // smallest head score), so this order also takes a layer's query units in rank order.
        var candidates = layers.flatMap { $0.dropLast() }
        candidates.sort { ($0.score, $0.layer, $0.rank) < ($1.score, $1.layer, $1.rank) }
        return Array(candidates.prefix(count))
    }
}
