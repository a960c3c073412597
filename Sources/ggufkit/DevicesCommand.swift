import ArgumentParser
import Foundation
import GPU

/// `ggufkit devices`, also spelled `ggufkit --list-devices` as in llama.cpp: the Vulkan devices this
/// machine offers. Without Vulkan the list is empty and the run still succeeds; `-v` says why.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the Vulkan devices (also: ggufkit --list-devices).",
        discussion: """
            Names are Vulkan0, Vulkan1, ... as llama.cpp spells them. Without --device the first GPU is chosen; \
            a CPU device such as Mesa's lavapipe is used only when named. Set GGUFKIT_VULKAN_LOADER to open a \
            different Vulkan loader than libvulkan.so.1.
            """
    )

    @Flag(name: .shortAndLong, help: "Say which loader was opened, why none was, and each device's limits.")
    var verbose = false

    @Option(name: .long, help: "Report which device this name selects (Vulkan0, or the driver's description).")
    var device: String?

    func run() throws {
        let runtime: VulkanRuntime
        do {
            runtime = try VulkanRuntime()
        } catch let error as GPUError {
            print("Available devices:")
            if verbose { note("no Vulkan, so inference runs on the CPU only: \(error)") }
            if device != nil { throw error }
            return
        }
        if verbose { note("Vulkan loader: \(runtime.loaderPath)") }
        print("Available devices:")
        for info in runtime.devices {
            print("  \(info.name): \(info.description) (\(info.kind.rawValue), \(info.memoryBytes >> 20) MiB)")
            if verbose { note("\(info.name): largest storage buffer \(info.maxBufferBytes >> 20) MiB") }
        }
        let selected = try runtime.select(named: device)
        if let selected {
            if device != nil || verbose { note("selected: \(selected.name) (\(selected.description))") }
        } else if verbose {
            note("no GPU to use by default (CPU devices are used only when named with --device)")
        }
    }

    private func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
