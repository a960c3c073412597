import Foundation
import GGUF

/// The one path from a model to a GGUF file, behind both `convert` and `quantize`:
/// source → ``ModelView`` → passes (in ``PassStage`` order) → per-tensor type policy →
/// streaming encoder and writer.
public enum ModelPipeline {
    /// Runs `passes` on `source` and writes the result to `options.outputPath`.
    public static func run(_ source: ModelSource, passes: [any ModelPass] = [],
                           options: ConversionOptions) throws -> ConversionSummary {
        var view = try openView(source, options: options)
        let outputFolder = (options.outputPath as NSString).deletingLastPathComponent
        view.scratchDirectory = outputFolder.isEmpty ? "." : outputFolder
        // The policy as it will be applied, for passes that measure the encoding actually written.
        var provisional = ModelShapeInfo(metadata: view.metadata, tiedEmbeddings: view.tensor(named: "output.weight") == nil)
        provisional.hasImportanceMatrix = passes.contains { $0.stage == .importance }
        let policy = TensorTypePolicy(options: options, model: provisional)
        var context = PassContext(threads: options.threads, log: options.log, fileType: options.fileType) { name, dims in
            policy.decide(TensorRoleInfo(name: name, dimensions: dims), sourceType: .f32).type
        }
        context.importanceFollows = provisional.hasImportanceMatrix
        context.gpuLayers = options.gpuLayers
        context.gpuDevice = options.gpuDevice
        var outcomes: [PassOutcome] = []
        for pass in ordered(passes) {
            outcomes.append(try run(pass, on: &view, context: context))
        }

        let hasImportance = outcomes.contains { $0.providesImportance }
        var shape = ModelShapeInfo(metadata: view.metadata, tiedEmbeddings: view.tensor(named: "output.weight") == nil)
        shape.hasImportanceMatrix = hasImportance
        var plan = view.tensors
        try applyPolicy(to: &plan, options: options, model: shape)

        var metadata = view.metadata
        metadata["general.file_type"] = Converter.llamaFileType(options.fileType, plan: plan).metadataValue
        metadata["general.quantization_version"] = plan.contains { $0.targetType.isQuantized } ? .uint32(2) : nil
        for outcome in outcomes { metadata.merge(outcome.trailingMetadata) }
        for override in options.metadataOverrides { metadata[override.key] = try override.metadataValue() }

        let finalView = view
        let writer = TensorStreamWriter(threads: options.threads, progress: options.progress)
        let (bytes, seconds, paths) = try writer.write(plan: plan, metadata: metadata, to: options.outputPath,
                                                       split: options.split,
                                                       source: { try finalView.storedBytes(of: $0) },
                                                       release: { finalView.release($0) },
                                                       prefetch: { finalView.prefetch($0) },
                                                       inspect: { tensor, bytes, type in
            try F16RangeCheck.checkBeforeEncoding(tensor, source: bytes, type: type, plan: plan,
                                                  bytes: { try finalView.storedBytes(of: $0) },
                                                  release: { finalView.release($0) })
        })
        return ConversionSummary(outputPath: paths[0], fileType: options.fileType, tensorCount: plan.count,
                                 bytesWritten: bytes, parameterCount: plan.reduce(0) { $0 + $1.elementCount },
                                 seconds: seconds, tensors: plan, outputPaths: paths)
    }

    /// Sets every tensor's type from the file type's policy, logs the fallbacks, and refuses
    /// (before anything is written) a type that needs importance data the tensor lacks.
    static func applyPolicy(to plan: inout [PlannedTensor], options: ConversionOptions, model: ModelShapeInfo) throws {
        let policy = TensorTypePolicy(options: options, model: model)
        var fallbacks: [String] = []
        for i in plan.indices {
            let role = TensorRoleInfo(name: plan[i].ggufName, dimensions: plan[i].dimensions)
            let decision = policy.decide(role, sourceType: plan[i].sourceType)
            plan[i].targetType = decision.type
            plan[i].fallbackFrom = decision.fallbackFrom
            if let from = decision.fallbackFrom {
                fallbacks.append("\(plan[i].ggufName) (\(from.name) -> \(decision.type.name))")
            }
            try policy.checkImportanceMatrix(role, type: decision.type)
            if plan[i].importance == nil, policy.requiresImportanceMatrix(role, type: decision.type) {
                throw ConversionError.importanceMissing(tensor: plan[i].ggufName, type: decision.type.name)
            }
            // Float types ignore importance; dropping it keeps the raw-copy path for them.
            if !decision.type.isQuantized { plan[i].importance = nil }
        }
        if !fallbacks.isEmpty {
            options.log("\(fallbacks.count) tensors fell back to a compatible type (row length not a multiple of the "
                + "block size): " + fallbacks.joined(separator: ", "))
        }
    }

    /// Passes sorted by stage; passes of one stage keep the order they were given in.
    static func ordered(_ passes: [any ModelPass]) -> [any ModelPass] {
        passes.enumerated().sorted { ($0.element.stage, $0.offset) < ($1.element.stage, $1.offset) }.map(\.element)
    }

    /// The model as passes would first see it (for commands that measure a model without
    /// writing one, such as `imatrix`).
    public static func view(of source: ModelSource, options: ConversionOptions) throws -> ModelView {
        var options = options
        if case .gguf = source, options.fileType == .auto { options.fileType = .f16 }
        return try openView(source, options: options)
    }

    /// The view before any pass: the planned tensors and the metadata the output starts from.
    static func openView(_ source: ModelSource, options: ConversionOptions) throws -> ModelView {
        switch source {
        case let .huggingFace(folder):
            let plan = try ConversionPlanner.plan(folder: folder, log: options.log)
            let metadata = try Converter.buildMetadata(folder: folder, options: options)
            return ModelView(source: source, metadata: metadata, tensors: plan)
        case let .gguf(file):
            guard options.fileType != .auto else {
                throw ConversionError.invalidOption("quantize needs an explicit file type, not auto")
            }
            let plan = file.tensors.map { info in
                PlannedTensor(ggufName: info.name, dimensions: info.dimensions, source: .gguf(info: info, path: file.path),
                              targetType: info.type)
            }
            return ModelView(source: source, metadata: file.metadata, tensors: plan)
        }
    }

    /// Runs one pass after checking its requirements, then checks it changed only what it declared.
    static func run(_ pass: any ModelPass, on view: inout ModelView, context: PassContext) throws -> PassOutcome {
        if pass.requirements.contains(.fullPrecisionWeights), !view.hasFullPrecisionWeights {
            throw ConversionError.passRequiresFullPrecision(pass: pass.name, source: view.source.location)
        }
        let shapesBefore = view.tensors.map { ($0.ggufName, $0.dimensions) }
        let metadataBefore = view.metadata
        let replacedBefore = view.replacedTensors
        let importanceBefore = view.tensors.map { $0.importance != nil }
        let outcome = try pass.apply(to: &view, context: context)

        let shapesChanged = view.tensors.count != shapesBefore.count
            || zip(view.tensors, shapesBefore).contains { $0.ggufName != $1.0 || $0.dimensions != $1.1 }
        if shapesChanged, !pass.effects.contains(.tensorShapes) {
            throw ConversionError.passBrokeContract(pass: pass.name, change: "tensor shapes")
        }
        if view.metadata != metadataBefore, !pass.effects.contains(.metadata) {
            throw ConversionError.passBrokeContract(pass: pass.name, change: "metadata")
        }
        if view.replacedTensors != replacedBefore, !pass.effects.contains(.tensorData),
           !pass.effects.contains(.tensorShapes) {
            throw ConversionError.passBrokeContract(pass: pass.name, change: "tensor data")
        }
        if !shapesChanged, view.tensors.map({ $0.importance != nil }) != importanceBefore,
           !pass.effects.contains(.importance) {
            throw ConversionError.passBrokeContract(pass: pass.name, change: "importance")
        }
        return outcome
    }
}

extension ModelShapeInfo {
    /// The model facts the type policy needs, read from GGUF metadata.
    init(metadata: GGUFMetadata, tiedEmbeddings: Bool) {
        let arch = metadata["general.architecture"]?.stringValue ?? "llama"
        // llama.cpp's n_head() and n_head_kv() are the first layer's counts when they differ per layer.
        func first(_ key: String) -> Int? {
            metadata[key]?.intValue ?? metadata[key]?.arrayValue?.first?.intValue
        }
        let heads = first("\(arch).attention.head_count") ?? 1
        self.init(architecture: arch, layerCount: metadata["\(arch).block_count"]?.intValue ?? 0,
                  headCount: heads, headCountKV: first("\(arch).attention.head_count_kv") ?? heads,
                  expertCount: metadata["\(arch).expert_count"]?.intValue ?? 0, tiedEmbeddings: tiedEmbeddings)
    }
}
