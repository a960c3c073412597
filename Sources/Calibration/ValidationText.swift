import CCalibrationData
import FileSupport

/// The text `convert --validate` and `quantize --validate` score on when none is given:
/// `calibration/validation/en-loc-electronic-texts.txt`, compiled into the binary like the corpus
/// but never part of it, so a file is not validated on text it was calibrated on.
public enum ValidationText {
    /// The built-in validation text.
    public static var builtIn: CalibrationDocument {
        get throws(CalibrationError) { try embedded.get() }
    }

    private static let embedded: Result<CalibrationDocument, CalibrationError> = Result { () throws(CalibrationError) in
        let name = String(cString: ggufkit_validation_text_name())
        var length = 0
        let start = ggufkit_validation_text_bytes(&length)
        guard let start, length > 0 else { throw .builtInCorpusDamaged(reason: "\(name) has no bytes") }
        let bytes = UnsafeRawBufferPointer(start: start, count: length)
        if let offset = firstInvalidUTF8Offset(bytes) {
            throw .builtInCorpusDamaged(reason: "\(name) is not UTF-8 at byte \(offset)")
        }
        return CalibrationDocument(name: name, text: String(decoding: bytes, as: UTF8.self))
    }
}
