import Batch
import Foundation
import Testing
import TestSupport

@Suite("Batch manifests")
struct ManifestTests {
    func load(_ yaml: String) throws -> BatchManifest {
        let folder = try TemporaryDirectory()
        let path = folder.file("manifest.yaml")
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return try BatchManifest.load(path: path)
    }

    func error(_ yaml: String) -> String {
        do {
            _ = try load(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static let sample = """
        output_dir: out
        name: "{model}.{output}.gguf"
        models:
          - path: /models/SmolLM2
            name: smol
          - /models/base.gguf
        outputs:
          - type: q8_0
          - type: q4_k_m
            name: q4-imatrix
            imatrix: true
            keep: ["attn_v=q8_0", "ffn_down=q6_k"]
            pure: false
            leave-output-tensor: true
            max-kld: 0.05
        calibration: {chunks: 8, context: 128}
        evaluate: {chunks: 2}
        """

    @Test("options become command-line arguments; models become convert or quantize jobs")
    func plan() throws {
        let manifest = try load(Self.sample)
        #expect(manifest.outputDirectory.hasSuffix("/out"))
        #expect(manifest.models.map(\.name) == ["smol", "base"])
        #expect(manifest.outputs[1].arguments == ["--keep", "attn_v=q8_0", "--keep", "ffn_down=q6_k", "--leave-output-tensor",
                                                  "--max-kld", "0.05"])
        #expect(manifest.calibration.chunks == 8 && manifest.calibration.text == nil)
        #expect(manifest.evaluation?.chunks == 2 && manifest.evaluation?.context == 512)
        let plan = BatchPlan(manifest: manifest, shard: .all)
        #expect(plan.jobs.map(\.id) == ["smol/calibration", "smol/q8_0", "smol/q4-imatrix",
                                        "base/calibration", "base/q8_0", "base/q4-imatrix"])
        #expect(plan.jobs[1].arguments == ["convert", "/models/SmolLM2", "-o", "smol.q8_0.gguf", "--type", "q8_0", "--force", "--json"])
        #expect(plan.jobs[5].arguments.prefix(4) == ["quantize", "/models/base.gguf", "base.q4-imatrix.gguf", "q4_k_m"])
        #expect(plan.jobs[5].arguments.contains(".ggufkit-batch/imatrix/base.imatrix.gguf"))
        #expect(plan.jobs[3].arguments.starts(with: ["imatrix", "/models/base.gguf", "-o", ".ggufkit-batch/imatrix/base.imatrix.gguf"]))
        let second = BatchPlan(manifest: manifest, shard: try Shard(index: 1, count: 2))
        #expect(second.jobs.map(\.id) == ["base/calibration", "base/q8_0", "base/q4-imatrix"])
        try plan.checkNames()
    }

    @Test("mistakes name the line and the field")
    func mistakes() {
        #expect(error("models: [a]\noutputs:\n  - type: q8_0\n    output: x.gguf\n").contains(":4: output option 'output' is set by batch itself"))
        #expect(error("models: [a]\noutputs: [{type: q8_0}]\ncolour: red\n").contains(":3: unknown field 'colour'"))
        #expect(error("models: [a]\noutputs:\n  - name: x\n").contains("needs a type"))
        #expect(error("models: []\noutputs: [{type: q8_0}]\n").contains("at least one model"))
        #expect(error("models: [a, a]\noutputs: [{type: q8_0}]\n").contains("model name 'a'"))
        #expect(error("models: [a]\noutputs: [{type: q8_0}, {type: q8_0}]\n").contains("output name 'q8_0'"))
        #expect(error("models: [a]\nname: fixed.gguf\noutputs: [{type: q8_0}]\n").contains("{model}"))
        #expect(error("models: [a]\noutputs: [{type: q8_0, Keep: x}]\n").contains("not an option name"))
        #expect(error("models: [a]\noutputs: [{type: q8_0}]\nevaluate: {chunks: 0}\n").contains("positive integer"))
        #expect(error("models: [a\n").contains("not valid YAML"))
    }

    @Test("relative paths are resolved against the manifest's folder")
    func paths() throws {
        let manifest = try load("models: [../m/model.gguf]\noutputs: [{type: q4_0, imatrix: data/x.imatrix}]\n")
        let folder = URL(fileURLWithPath: manifest.path).deletingLastPathComponent()
        #expect(manifest.models[0].path == folder.deletingLastPathComponent().appendingPathComponent("m/model.gguf").path)
        #expect(manifest.models[0].name == "model")
        #expect(manifest.outputs[0].arguments == ["--imatrix", folder.appendingPathComponent("data/x.imatrix").path])
        #expect(manifest.outputDirectory == folder.path)
    }
}
