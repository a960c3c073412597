import Foundation
import FuzzTargets

// `ggufkit-fuzz TARGET [ARGS...]`.
//
// Built by `scripts/fuzz.sh` with `-sanitize=fuzzer,address` and `-D GGUFKIT_LIBFUZZER`, the
// arguments after TARGET go to libFuzzer (corpus folders, -max_total_time, ...). Built normally
// (as `swift build` does), it replays the files and folders named after TARGET once each, which
// is how a crash file is checked after a fix.

let usage = "usage: ggufkit-fuzz TARGET [libFuzzer options | files and folders to replay]\ntargets: "
    + fuzzTargets.map { $0.name }.joined(separator: ", ")

// libFuzzer re-runs the executable for -merge, -fork and -jobs with its own flags only, so the
// target also travels in the environment.
let targetVariable = "GGUFKIT_FUZZ_TARGET"
var arguments = CommandLine.arguments
let target: any FuzzTarget.Type
if arguments.count >= 2, let named = fuzzTarget(named: arguments[1]) {
    target = named
    arguments.remove(at: 1)
    setenv(targetVariable, named.name, 1)
} else if let name = ProcessInfo.processInfo.environment[targetVariable], let named = fuzzTarget(named: name) {
    target = named
} else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

let scratch: FuzzScratch
do {
    scratch = try FuzzScratch()
} catch {
    FileHandle.standardError.write(Data("ggufkit-fuzz: cannot create a scratch folder: \(error)\n".utf8))
    exit(1)
}

#if GGUFKIT_LIBFUZZER
nonisolated(unsafe) var selectedTarget: any FuzzTarget.Type = target
nonisolated(unsafe) var selectedScratch: FuzzScratch = scratch

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = CInt(arguments.count)
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> CInt in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        runFuzzTarget(selectedTarget, UnsafeRawBufferPointer(start: data, count: size), scratch: selectedScratch)
        return 0
    }
}
exit(status)
#else
var inputs: [String] = []
for argument in arguments.dropFirst() where !argument.hasPrefix("-") {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
        FileHandle.standardError.write(Data("ggufkit-fuzz: \(argument): no such file or folder\n".utf8))
        exit(1)
    }
    if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
        inputs += names.sorted().map { argument + "/" + $0 }
    } else {
        inputs.append(argument)
    }
}
var rejected = 0
for path in inputs {
    guard let data = FileManager.default.contents(atPath: path) else { continue }
    if let message = data.withUnsafeBytes({ runFuzzTarget(target, $0, scratch: scratch) }) {
        rejected += 1
        if arguments.contains("-v") { print("rejected \(path): \(message)") }
    }
}
print("ggufkit-fuzz: replayed \(inputs.count) inputs through \(target.name) without a crash (\(rejected) rejected)")
#endif
