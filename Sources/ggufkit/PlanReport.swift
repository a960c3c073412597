import Foundation
import MemoryPlan

/// `plan`'s output: the figures with the arithmetic behind them, or JSON.
enum PlanReport {
    static func text(_ plan: MemoryPlan) -> String {
        let m = plan.model, kv = plan.kv, c = plan.compute
        var lines: [String] = []
        lines.append("\(m.path): \(m.architecture), \(m.layerCount) layers, vocabulary \(m.vocabularySize), "
            + "training context \(m.trainingContext)")
        lines.append("")
        lines.append("weights")
        lines.append("  input   token_embd.weight  \(bytes(m.inputBytes))  (always on the CPU)")
        for (index, layer) in m.layers.enumerated() {
            let types = layer.bytesByType.map { "\($0.type) \($0.bytes)" }.joined(separator: " + ")
            lines.append("  layer \(String(index).padding(toLength: 3, withPad: " ", startingAt: 0)) \(bytes(layer.bytes))  (\(types))")
        }
        let tied = m.tiedEmbeddings ? "; tied: on the GPU it also needs its own copy of token_embd, \(bytes(m.tiedCopyBytes))" : ""
        lines.append("  output  \(bytes(m.outputBytes))\(tied)")
        let mapped = m.mappedBytes.map { ByteSize.mib($0) }.joined(separator: " + ")
        lines.append("  llama.cpp's CPU_Mapped model buffer (all on the CPU): \(mapped)"
            + (m.mappedBytes.count > 1 ? " (one per file)" : ""))
        lines.append("")
        let k = kv.keyBytesPerToken.reduce(0, +), v = kv.valueBytesPerToken.reduce(0, +)
        let widths = Set(m.keyWidths).count == 1 && Set(m.valueWidths).count == 1
            ? "K \(m.keyWidths.first ?? 0) + V \(m.valueWidths.first ?? 0) values of \(kv.type.rawValue) per layer, "
                + "\(m.layerCount) layers: " : ""
        lines.append("KV cache (\(kv.type.rawValue))")
        lines.append("  per token: \(widths)K \(k) + V \(v) = \(kv.bytesPerToken) bytes")
        lines.append("  context \(kv.context) -> \(kv.cells) cells (llama.cpp pads to 256) x \(kv.bytesPerToken) = "
            + "\(kv.totalBytes) bytes = \(ByteSize.mib(kv.totalBytes)) (K \(ByteSize.mib(kv.keyBytes)), V \(ByteSize.mib(kv.valueBytes)))")
        lines.append("")
        lines.append("compute buffer (estimate, micro-batch \(c.microBatch))")
        lines.append("  output stage: \(m.vocabularySize) x \(c.microBatch) x 4 + 2 x \(m.embeddingLength) x \(c.microBatch) x 4 "
            + "= \(bytes(c.outputStage))")
        lines.append("  attention stage: mask \(kv.cells) x \(c.microBatch) x 2 + FFN 3 x \(m.feedForwardLength) x "
            + "\(c.microBatch) x 4 + 4 x \(m.embeddingLength) x \(c.microBatch) x 4 = \(bytes(c.attentionStage))")
        lines.append("  larger: \(bytes(c.bytes)); host output buffer \(m.vocabularySize) x 4 = \(bytes(plan.cpuOnly.outputBuffer))")
        lines.append("")
        lines.append("all on the CPU: " + cpuLine(plan.cpuOnly))
        if let fit = plan.fitted, let vram = plan.vram {
            lines.append("")
            let layers = fit.gpuLayers
            let what = layers == m.layerCount + 1 ? "all \(m.layerCount) layers and the output layer"
                : layers == 0 ? "nothing" : "the last \(layers) of \(m.layerCount) layers"
            let context = plan.contextWasFitted ? "the longest context that fits with everything on the GPU: \(kv.context)"
                : "context \(kv.context)"
            lines.append("GPU with \(ByteSize.gib(vram)): \(context); offload \(what): -ngl \(layers) (Ollama num_gpu \(layers))")
            lines.append("  GPU: weights \(bytes(fit.gpuWeights)) + KV \(bytes(fit.gpuKV)) + compute \(bytes(fit.gpuCompute)) "
                + "= \(bytes(fit.gpuTotal)) of \(bytes(vram))")
            lines.append("  CPU: " + cpuLine(fit))
            if layers < m.layerCount + 1, layers < m.layerCount {
                let next = Placement(model: m, kv: kv, compute: c, gpuLayers: layers + 1)
                lines.append("  one more layer would need \(bytes(next.gpuTotal)) on the GPU")
            }
        }
        if let ram = plan.ram, let fits = plan.ramFits {
            lines.append("host memory \(ByteSize.gib(ram)): " + (fits ? "enough" : "NOT enough for the CPU part"))
        }
        return lines.joined(separator: "\n")
    }

    private static func cpuLine(_ p: Placement) -> String {
        "weights \(bytes(p.cpuWeights)) + KV \(bytes(p.cpuKV)) + compute \(bytes(p.cpuCompute)) + output \(bytes(p.outputBuffer)) "
            + "= \(bytes(p.cpuTotal))"
    }

    private static func bytes(_ count: Int) -> String { "\(count) B (\(ByteSize.mib(count)))" }

    static func json(_ plan: MemoryPlan) -> String {
        let m = plan.model
        func placement(_ p: Placement) -> [String: Any] {
            ["gpu_layers": p.gpuLayers, "gpu_weights": p.gpuWeights, "gpu_kv": p.gpuKV, "gpu_compute": p.gpuCompute,
             "gpu_total": p.gpuTotal, "cpu_weights": p.cpuWeights, "cpu_kv": p.cpuKV, "cpu_compute": p.cpuCompute,
             "output_buffer": p.outputBuffer, "cpu_total": p.cpuTotal]
        }
        var object: [String: Any] = [
            "model": m.path, "architecture": m.architecture, "layers": m.layerCount, "vocabulary": m.vocabularySize,
            "training_context": m.trainingContext,
            "weights": [
                "input": m.inputBytes, "output": m.outputBytes, "tied_copy": m.tiedCopyBytes,
                "per_layer": m.layers.map { layer in
                    ["bytes": layer.bytes,
                     "by_type": Dictionary(uniqueKeysWithValues: layer.bytesByType.map { ($0.type, $0.bytes) })] as [String: Any]
                },
                "cpu_mapped": m.mappedBytes,
            ] as [String: Any],
            "kv_cache": [
                "type": plan.kv.type.rawValue, "context": plan.kv.context, "cells": plan.kv.cells,
                "bytes_per_token": plan.kv.bytesPerToken, "k_bytes": plan.kv.keyBytes, "v_bytes": plan.kv.valueBytes,
                "bytes": plan.kv.totalBytes,
            ] as [String: Any],
            "compute_estimate": ["micro_batch": plan.compute.microBatch, "output_stage": plan.compute.outputStage,
                                 "attention_stage": plan.compute.attentionStage, "bytes": plan.compute.bytes],
            "cpu_only": placement(plan.cpuOnly),
            "context_fitted": plan.contextWasFitted,
        ]
        if let fit = plan.fitted { object["fit"] = placement(fit) }
        if let vram = plan.vram { object["vram"] = vram }
        if let ram = plan.ram { object["ram"] = ram; object["ram_fits"] = plan.ramFits }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
