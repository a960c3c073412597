import Inference

/// An activation tap that keeps the full input (every row) of chosen weights.
final class InputCapture: ActivationTap {
    private let wanted: Set<String>
    /// Row-major inputs by weight name, `rows × columns`.
    private(set) var inputs: [String: (columns: Int, values: [Float])] = [:]

    init(_ names: [String]) {
        wanted = Set(names)
    }

    func wants(_ weightName: String) -> Bool { wanted.contains(weightName) }

    func observe(_ weightNames: [String], input: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int) {
        var block = [Float](repeating: 0, count: rows * columns)
        block.withUnsafeMutableBufferPointer { out in
            for row in 0 ..< rows {
                (out.baseAddress! + row * columns).update(from: input + row * stride, count: columns)
            }
        }
        for name in weightNames {
            // The feed-forward path may apply a weight in several row slices: keep them in order.
            inputs[name, default: (columns, [])].values += block
        }
    }
}
