import Foundation
import ImportanceMatrix
import Models

/// `config.json` through the architecture registry and the hyper-parameters it implies.
public enum ConfigJSONTarget: FuzzTarget {
    public static let name = "config-json"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let path = scratch.folder + "/config.json"
        let architecture = try ModelRegistry.load(configJSON: Data(input), path: path)
        blackHole(try ModelHyperParameters(architecture: architecture, source: path))
    }
}

/// An importance matrix in either format (GGUF or llama.cpp's legacy `.dat`), then the
/// per-tensor summary the `inspect` command prints.
public enum ImportanceMatrixTarget: FuzzTarget {
    public static let name = "imatrix"

    public static func run(_ input: UnsafeRawBufferPointer, scratch: FuzzScratch) throws {
        let path = try scratch.write(input, as: "imatrix")
        let matrix = try ImportanceMatrix(contentsOf: path)
        for (_, entry) in matrix.entries {
            blackHole(entry.sums.reduce(0, +) + entry.counts.reduce(0, +))
        }
    }
}
