import ArgumentParser
import FileSupport
import Foundation

@main
struct GGUFKit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ggufkit",
        abstract: "Convert Hugging Face checkpoints to GGUF and check the result.",
        version: "0.1.0",
        subcommands: [ConvertCommand.self, QuantizeCommand.self, ImatrixCommand.self, InspectCommand.self, PerplexityCommand.self,
                      CompareCommand.self, GenerateCommand.self, BenchCommand.self, ExportCommand.self, TokenizeCommand.self,
                      BatchCommand.self, CheckCommand.self, PlanCommand.self, DevicesCommand.self]
    )

    /// Errors from the toolkit print as one line and exit 1; usage errors keep
    /// ArgumentParser's help text and its exit code (64).
    static func main() {
        ProcessCleanup.install()
        do {
            var command = try parseAsRoot(rootArguments())
            try command.run()
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch where isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("ggufkit: error: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }

    /// `--list-devices` first is llama.cpp's spelling of the `devices` subcommand.
    private static func rootArguments() -> [String] {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--list-devices" { arguments[0] = DevicesCommand.configuration.commandName ?? "devices" }
        return arguments
    }

    private static func isArgumentParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
            || error is ValidationError || error is CleanExit
    }
}
