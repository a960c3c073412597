import Foundation
import SafeTensors
import Testing
import TestSupport

/// One tensor called `w` with the given entry body, e.g. `"dtype":"U8",...`.
private func singleTensorHeader(_ body: String) -> String {
    "{\"w\":{\(body)}}"
}

/// Every tensor-level error names the file and points at the tensor's key (offset 9
/// for the first entry of a header written by `singleTensorHeader`).
private let firstKeyOffset = 9

@Suite("Bad tensor entries")
struct TensorEntryTests {
    private func open(_ header: String, data: [UInt8] = []) throws -> (TemporaryDirectory, String) {
        let folder = try TemporaryDirectory()
        let path = try folder.writeRaw("bad.safetensors", header: header, data: data)
        return (folder, path)
    }

    @Test("an entry that is not an object is refused")
    func entryNotObject() throws {
        let (folder, path) = try open("{\"w\":[1]}")
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.tensorEntryNotObject(path: path, tensor: "w", offset: firstKeyOffset,
                                                              found: "an array")) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("each required field must be present", arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) throws {
        let fields = ["dtype": "\"dtype\":\"U8\"", "shape": "\"shape\":[1]", "data_offsets": "\"data_offsets\":[0,1]"]
        let body = fields.filter { $0.key != field }.map(\.value).sorted().joined(separator: ",")
        let (folder, path) = try open(singleTensorHeader(body), data: [1])
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.missingField(path: path, tensor: "w", field: field, offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("ill-typed fields are refused with a reason", arguments: [
        ("\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,1]", "dtype", "is the number 5, expected a string"),
        ("\"dtype\":\"U8\",\"shape\":\"1\",\"data_offsets\":[0,1]", "shape", "is a string, expected an array"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]", "data_offsets",
         "is an array, expected an array [begin, end]"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]", "data_offsets",
         "is an array, expected an array [begin, end]"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":{}", "data_offsets",
         "is an object, expected an array [begin, end]"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,\"1\"]", "data_offsets",
         "holds a string, expected integers"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]", "data_offsets", "holds negative value -1"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1.5]", "data_offsets",
         "holds 1.5, which is not an integer"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1.0]", "data_offsets",
         "holds 1.0, which is not an integer"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1e0]", "data_offsets",
         "holds 1e0, which is not an integer"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]", "data_offsets",
         "holds 99999999999999999999, which does not fit in 64 bits"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,9223372036854775808]", "data_offsets",
         "holds 9223372036854775808, which does not fit in 64 bits"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-9223372036854775808,0]", "data_offsets",
         "holds negative value -9223372036854775808"),
        ("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,true]", "data_offsets",
         "holds a boolean, expected integers"),
        ("\"dtype\":\"U8\",\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]", "dtype", "appears twice"),
    ])
    func invalidField(body: String, field: String, reason: String) throws {
        let (folder, path) = try open(singleTensorHeader(body), data: [1])
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.invalidField(path: path, tensor: "w", field: field, offset: firstKeyOffset,
                                                      reason: reason)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("unknown dtypes are named in the error", arguments: ["F4", "Q4_0", "f32", "", "F8_E8M0"])
    func unknownDType(dtype: String) throws {
        let (folder, path) = try open(singleTensorHeader("\"dtype\":\"\(dtype)\",\"shape\":[1],\"data_offsets\":[0,1]"),
                                      data: [1])
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.unknownDType(path: path, tensor: "w", dtype: dtype, offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("shape dimensions must be non-negative integers", arguments: [
        ("[-1]", 0, "-1"), ("[2,1.5]", 1, "1.5"), ("[\"3\"]", 0, "a string"), ("[1e3]", 0, "1e3"),
        ("[2.0]", 0, "2.0"), ("[1,null]", 1, "null"), ("[99999999999999999999]", 0, "99999999999999999999"),
        ("[[1]]", 0, "an array"),
    ])
    func invalidShape(shape: String, dimension: Int, value: String) throws {
        let (folder, path) = try open(singleTensorHeader("\"dtype\":\"U8\",\"shape\":\(shape),\"data_offsets\":[0,0]"))
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.invalidShape(path: path, tensor: "w", dimension: dimension, value: value,
                                                      offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("element and byte counts that overflow 64 bits are refused", arguments: [
        ("U8", [1 << 32, 1 << 32]), ("F32", [1 << 62]), ("U8", [3, 1 << 62, 0]),
    ])
    func elementCountOverflow(dtype: String, shape: [Int]) throws {
        let shapeText = "[" + shape.map(String.init).joined(separator: ",") + "]"
        let (folder, path) = try open(singleTensorHeader(
            "\"dtype\":\"\(dtype)\",\"shape\":\(shapeText),\"data_offsets\":[0,0]"))
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.elementCountOverflow(path: path, tensor: "w", shape: shape,
                                                              offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("data_offsets must not end before they begin")
    func reversedOffsets() throws {
        let (folder, path) = try open(singleTensorHeader("\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[5,4]"),
                                      data: patternBytes(8))
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.dataOffsetsReversed(path: path, tensor: "w", begin: 5, end: 4,
                                                             offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("data must lie inside the data section; large offsets are read exactly", arguments: [
        (0, 8, [8]), (9_007_199_254_740_993, 9_007_199_254_740_994, [1]), (4, 5, [1]), (Int.max - 1, Int.max, [1]),
    ])
    func outOfBounds(begin: Int, end: Int, shape: [Int]) throws {
        let shapeText = "[" + shape.map(String.init).joined(separator: ",") + "]"
        let (folder, path) = try open(singleTensorHeader(
            "\"dtype\":\"U8\",\"shape\":\(shapeText),\"data_offsets\":[\(begin),\(end)]"), data: patternBytes(4))
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.dataOutOfBounds(path: path, tensor: "w", begin: begin, end: end, dataSize: 4,
                                                         offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("the byte range must match shape times dtype size")
    func byteCountMismatch() throws {
        let (folder, path) = try open(singleTensorHeader("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]"),
                                      data: patternBytes(8))
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.byteCountMismatch(path: path, tensor: "w", expected: 8, actual: 4,
                                                           offset: firstKeyOffset)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("overlapping byte ranges are refused whatever order the header lists them in", arguments: [false, true])
    func overlap(reversed: Bool) throws {
        let a = "\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}"
        let b = "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}"
        let header = "{" + (reversed ? b + "," + a : a + "," + b) + "}"
        let (folder, path) = try open(header, data: patternBytes(8))
        defer { withExtendedLifetime(folder) {} }
        let dataStart = 8 + header.utf8.count
        #expect(throws: SafeTensorsError.overlappingTensors(path: path, first: "a", second: "b", offset: dataStart + 2)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("zero-size tensors inside another tensor's range, shared offsets and gaps are fine")
    func emptyTensorsDoNotOverlap() throws {
        let header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
            + "\"e1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[2,2]},"
            + "\"e2\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[2,2]},"
            + "\"next\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[6,8]}}"
        let (folder, path) = try open(header, data: patternBytes(8))
        defer { withExtendedLifetime(folder) {} }
        let file = try SafeTensorsFile(path: path)
        #expect(file.tensors.map(\.name) == ["big", "e1", "e2", "next"])
        #expect(try file.withData(named: "next") { [UInt8]($0) } == Array(patternBytes(8)[6 ..< 8]))
    }

    @Test("a tensor name listed twice is refused at the second occurrence")
    func duplicateName() throws {
        let entry = "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}"
        let header = "{\"w\":\(entry),\"w\":\(entry)}"
        let (folder, path) = try open(header, data: [1])
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.duplicateTensorName(path: path, tensor: "w",
                                                             offset: headerOffset(of: "\"w\"", in: header, occurrence: 1))) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("__metadata__ must map strings to strings", arguments: [
        ("{\"__metadata__\":{\"k\":1}}", "k", "\"k\"", "value is the number 1, expected a string"),
        ("{\"__metadata__\":{\"k\":\"v\",\"k\":\"v\"}}", "k", "\"k\":\"v\"}", "appears twice"),
        ("{\"__metadata__\":[]}", "__metadata__", "\"__metadata__\"", "is an array, expected an object of strings"),
        ("{\"__metadata__\":{},\"__metadata__\":{}}", "__metadata__", "\"__metadata__\":{}}", "appears twice"),
    ])
    func invalidMetadata(header: String, key: String, locator: String, reason: String) throws {
        let (folder, path) = try open(header)
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: SafeTensorsError.invalidMetadata(path: path, key: key,
                                                         offset: headerOffset(of: locator, in: header), reason: reason)) {
            try SafeTensorsFile(path: path)
        }
    }

    @Test("unknown extra fields in an entry are ignored")
    func extraFieldsIgnored() throws {
        let (folder, path) = try open(singleTensorHeader(
            "\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"future\":{\"x\":[1,2,{}]}"), data: [5])
        defer { withExtendedLifetime(folder) {} }
        let file = try SafeTensorsFile(path: path)
        #expect(try file.withData(named: "w") { [UInt8]($0) } == [5])
    }
}
