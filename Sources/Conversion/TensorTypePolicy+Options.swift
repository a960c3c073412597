extension TensorTypePolicy {
    /// The policy `options` ask for (file type, `--pure`, `--keep`, `--output-tensor-type`,
    /// `--token-embedding-type`, `--leave-output-tensor`) for a model of `model`'s shape.
    public init(options: ConversionOptions, model: ModelShapeInfo) {
        self.init(fileType: options.fileType, model: model)
        pure = options.pure
        overrides = options.overrides
        outputTensorType = options.outputTensorType
        tokenEmbeddingType = options.tokenEmbeddingType
        leaveOutputTensor = options.leaveOutputTensor
    }
}
