import GGUF
import SafeTensors

/// Chooses each output tensor's type for a file type.
public struct TensorTypePolicy: Sendable {
    public var fileType: FileType

    public init(fileType: FileType) {
        self.fileType = fileType
    }

    /// The resolved `general.file_type` for a plan: `auto` reports the float type the
    /// weights actually keep.
    public func llamaFileType(for plan: [PlannedTensor]) -> UInt32 {
        guard fileType == .auto else { return fileType.llamaFileType }
        let matrixTypes = Set(plan.filter { $0.dimensions.count >= 2 }.map(\.targetType))
        if matrixTypes == [.f32] { return FileType.f32.llamaFileType }
        if matrixTypes == [.bf16] { return FileType.bf16.llamaFileType }
        return FileType.f16.llamaFileType
    }

    /// The type of one tensor. Vectors (norms, biases, RoPE factors) stay F32, as llama.cpp
    /// requires for the ops that read them.
    public func type(for tensor: PlannedTensor) -> GGMLType {
        if tensor.dimensions.count < 2 { return .f32 }
        switch fileType {
        case .auto:
            if case let .checkpoint(info, _) = tensor.source {
                switch info.dtype {
                case .f32: return .f32
                case .bf16: return .bf16
                default: return .f16
                }
            }
            return .f32
        default:
            return fileType.baseType
        }
    }
}
