import Calibration
import Foundation
import Testing
import TestSupport

@Suite("Loading calibration text")
struct CorpusLoadingTests {
    @Test("a text file is one document, byte for byte")
    func textFile() throws {
        let folder = try TemporaryDirectory()
        let text = "\u{FEFF}First line.\r\nSecond, 第二行。\n\n"
        let path = try folder.write("notes.txt", text)
        let corpus = try CalibrationCorpus.load(path: path)
        #expect(corpus.origin == path)
        #expect(corpus.documents == [CalibrationDocument(name: "notes.txt", text: text)])
    }

    @Test("a file with another extension is read as text")
    func otherExtension() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("wiki.train.raw", " = Title = \n")
        #expect(try CalibrationCorpus.load(path: path).documents.map(\.text) == [" = Title = \n"])
    }

    @Test("JSON Lines records are joined with a blank line into one document")
    func jsonLines() throws {
        let folder = try TemporaryDirectory()
        let lines = [
            #"{"text": "alpha", "id": 1}"#,
            "",
            "   ",
            #"{"id": 2, "text": "beta\ngamma"}"#,
            #"{"text": "三加五等于八。"}"# + "\r",
        ]
        let path = try folder.write("set.JSONL", "\u{FEFF}" + lines.joined(separator: "\n"))
        let corpus = try CalibrationCorpus.load(path: path)
        #expect(corpus.documents == [CalibrationDocument(name: "set.JSONL", text: "alpha\n\nbeta\ngamma\n\n三加五等于八。")])
    }

    @Test("a folder gives its .txt and .jsonl files in byte order of their names, nothing else")
    func folder() throws {
        let folder = try TemporaryDirectory()
        try folder.write("b.txt", "bee")
        try folder.write("B.txt", "capital bee")
        try folder.write("a.jsonl", #"{"text": "ay"}"#)
        try folder.write("c.TXT", "sea")
        try folder.write("README.md", "not calibration text")
        try folder.write(".hidden.txt", "hidden")
        try folder.write("empty.txt", "")
        try FileManager.default.createDirectory(atPath: folder.file("nested.txt"), withIntermediateDirectories: true)
        try folder.write("nested.txt/inner.txt", "inner")
        let corpus = try CalibrationCorpus.load(path: folder.path)
        #expect(corpus.documents.map(\.name) == ["B.txt", "a.jsonl", "b.txt", "c.TXT"])
        #expect(corpus.documents.map(\.text) == ["capital bee", "ay", "bee", "sea"])
    }

    @Test("invalid UTF-8 names the file, line and byte offset")
    func invalidUTF8() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("bad.txt", bytes: Array("ok\nstill ok\nthen ".utf8) + [0xC3, 0x28] + Array(" more".utf8))
        #expect(throws: CalibrationError.invalidUTF8(path: path, line: 3, byteOffset: 17)) {
            try CalibrationCorpus.load(path: path)
        }
        let jsonl = try folder.write("bad.jsonl", bytes: Array(#"{"text": "a"}"#.utf8) + [0x0A, 0xFF])
        #expect(throws: CalibrationError.invalidUTF8(path: jsonl, line: 2, byteOffset: 14)) {
            try CalibrationCorpus.load(path: jsonl)
        }
    }

    @Test("a bad JSON line is reported with its line number")
    func badJSONLine() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("bad.jsonl", #"{"text": "fine"}"# + "\n\n" + #"{"text": "unterminated}"#)
        let error = #expect(throws: CalibrationError.self) { try CalibrationCorpus.load(path: path) }
        guard case let .invalidJSON(errorPath, line, _)? = error else {
            Issue.record("expected invalidJSON, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(line == 3)
        #expect(error?.description.hasPrefix("\(path):3: invalid JSON") == true)
    }

    @Test("records without a string text field are rejected", arguments: [
        (#"{"content": "x"}"#, CalibrationError.missingTextField(path: "", line: 2)),
        (#"{"text": 5}"#, CalibrationError.invalidRecord(path: "", line: 2, reason: "the \"text\" field is not a string")),
        (#"["text", "x"]"#, CalibrationError.invalidRecord(
            path: "", line: 2, reason: "a record must be a JSON object with a \"text\" string")),
        (#""text""#, CalibrationError.invalidRecord(
            path: "", line: 2, reason: "a record must be a JSON object with a \"text\" string")),
    ])
    func badRecords(line: String, expected: CalibrationError) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("records.jsonl", #"{"text": "ok"}"# + "\n" + line + "\n")
        let withPath: CalibrationError
        switch expected {
        case let .missingTextField(_, number): withPath = .missingTextField(path: path, line: number)
        case let .invalidRecord(_, number, reason): withPath = .invalidRecord(path: path, line: number, reason: reason)
        default: withPath = expected
        }
        #expect(throws: withPath) { try CalibrationCorpus.load(path: path) }
    }

    @Test("a path with no text is an error")
    func emptyCorpus() throws {
        let folder = try TemporaryDirectory()
        let empty = try folder.write("empty.txt", "")
        #expect(throws: CalibrationError.emptyCorpus(path: empty)) { try CalibrationCorpus.load(path: empty) }
        let blank = try folder.write("blank.jsonl", "\n \n\n")
        #expect(throws: CalibrationError.emptyCorpus(path: blank)) { try CalibrationCorpus.load(path: blank) }
        let onlyEmpty = try folder.write("empty-text.jsonl", #"{"text": ""}"#)
        #expect(throws: CalibrationError.emptyCorpus(path: onlyEmpty)) { try CalibrationCorpus.load(path: onlyEmpty) }

        let other = try TemporaryDirectory()
        try other.write("README.md", "no corpus here")
        #expect(throws: CalibrationError.emptyCorpus(path: other.path)) { try CalibrationCorpus.load(path: other.path) }
        #expect(throws: CalibrationError.emptyCorpus(path: "x")) {
            try CalibrationCorpus(origin: "x", documents: [CalibrationDocument(name: "a", text: "")])
        }
    }

    @Test("a missing path is an error that names it")
    func missingPath() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("absent.txt")
        #expect(throws: CalibrationError.cannotRead(path: path, reason: "no such file or folder")) {
            try CalibrationCorpus.load(path: path)
        }
    }
}
