import CCalibrationData
import FileSupport

extension CalibrationCorpus {
    /// The corpus compiled into the binary: the repository's `calibration/*.txt` files (English
    /// prose, source code, mathematics and Chinese), in byte order of their names.
    /// `calibration/README.md` lists their sources and licences.
    public static var `default`: CalibrationCorpus {
        get throws(CalibrationError) { try builtIn.get() }
    }

    /// Read once: the bytes never change while the process runs.
    private static let builtIn: Result<CalibrationCorpus, CalibrationError> = Result { () throws(CalibrationError) in
        let count = ggufkit_calibration_file_count()
        var documents: [CalibrationDocument] = []
        for index in 0 ..< count {
            guard let name = ggufkit_calibration_file_name(index).map({ String(cString: $0) }) else {
                throw .builtInCorpusDamaged(reason: "file \(index) has no name")
            }
            var length = 0
            guard let start = ggufkit_calibration_file_bytes(index, &length) else {
                throw .builtInCorpusDamaged(reason: "\(name) has no bytes")
            }
            let bytes = UnsafeRawBufferPointer(start: start, count: length)
            if let offset = firstInvalidUTF8Offset(bytes) {
                throw .builtInCorpusDamaged(reason: "\(name) is not UTF-8 at byte \(offset)")
            }
            documents.append(CalibrationDocument(name: name, text: String(decoding: bytes, as: UTF8.self)))
        }
        return try CalibrationCorpus(origin: "built-in corpus", documents: documents)
    }
}
