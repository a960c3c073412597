// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ggufkit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ggufkit", targets: ["ggufkit"]),
        .executable(name: "quant-benchmark", targets: ["QuantBenchmark"]),
        .executable(name: "inference-benchmark", targets: ["InferenceBenchmark"]),
        .library(name: "GGUFKit", targets: ["Conversion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        .target(name: "CCPUFeatures"),
        .target(name: "FileSupport"),
        .target(name: "SafeTensors", dependencies: ["FileSupport"]),
        .target(name: "GGUF", dependencies: ["FileSupport"]),
        .target(name: "CQuantKernels"),
        .target(name: "Quantization", dependencies: ["GGUF", "CQuantKernels"]),
        .target(name: "Models", dependencies: ["GGUF"]),
        .target(name: "Tokenizers", dependencies: ["GGUF", "FileSupport", "Models"]),
        .target(name: "Inference", dependencies: ["GGUF", "SafeTensors", "Quantization", "Models", "COpenBLAS", "CCPUFeatures"]),
        .target(name: "Evaluation", dependencies: ["FileSupport", "CZstd"]),
        .target(name: "CCalibrationData"),
        .target(name: "Calibration", dependencies: ["FileSupport", "CCalibrationData"]),
        .target(name: "ImportanceMatrix", dependencies: ["GGUF", "FileSupport"]),
        .target(name: "Export", dependencies: ["GGUF", "SafeTensors", "Quantization", "Models", "FileSupport"]),
        .target(name: "Checks", dependencies: ["GGUF", "Quantization", "Tokenizers"]),
        .target(name: "MemoryPlan", dependencies: ["GGUF", "Models"]),
        .target(name: "Conversion", dependencies: [
            "FileSupport", "SafeTensors", "GGUF", "Quantization", "Models", "Tokenizers",
        ]),
        .target(name: "Passes", dependencies: [
            "Conversion", "Inference", "ImportanceMatrix", "Calibration", "GGUF", "Models", "Tokenizers", "Quantization",
            "FileSupport",
        ]),
        .executableTarget(name: "ggufkit", dependencies: [
            "Conversion", "Passes", "GGUF", "SafeTensors", "Inference", "Evaluation", "Export", "Tokenizers",
            "ImportanceMatrix", "FileSupport", "Checks", "MemoryPlan",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "QuantBenchmark", dependencies: ["Quantization", "GGUF"], path: "Benchmarks/QuantBenchmark"),
        .executableTarget(name: "InferenceBenchmark", dependencies: ["Inference"], path: "Benchmarks/InferenceBenchmark"),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "FileSupport", "TestSupport"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "FileSupport", "TestSupport"]),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "GGUF", "TestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "GGUF", "FileSupport", "TestSupport"]),
        .testTarget(name: "ConversionTests", dependencies: ["Conversion", "FileSupport", "GGUF", "SafeTensors", "Models", "Tokenizers",
                                                           "Passes", "ImportanceMatrix", "Quantization", "TestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "PassesTests", dependencies: ["Passes", "Conversion", "Inference", "GGUF", "Calibration",
                                                        "Export", "Models", "TestSupport"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "GGUF", "SafeTensors", "Quantization", "Conversion",
                                                          "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "TestSupport"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Conversion", "GGUF", "SafeTensors", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["Conversion", "GGUF", "TestSupport"]),
        .testTarget(name: "ImportanceMatrixTests", dependencies: ["ImportanceMatrix", "GGUF", "TestSupport"]),
        .testTarget(name: "ChecksTests", dependencies: ["Checks", "GGUF", "Conversion", "TestSupport"]),
        .testTarget(name: "MemoryPlanTests", dependencies: ["MemoryPlan", "GGUF", "Conversion", "TestSupport"]),
    ]
)
