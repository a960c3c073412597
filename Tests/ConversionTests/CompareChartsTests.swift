import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// `compare --svg` / `--html`: well-formed files with one labelled mark per file in every chart.
@Suite("ggufkit compare --svg and --html", .enabled(if: CLI.binary != nil, CLI.skipReason))
struct CompareChartsTests {
    @Test("the SVG and the HTML page parse and hold one point per file, labelled with its type")
    func charts() throws {
        guard let model = References.stories260K(),
              let text = References.locate(TestAssets.shared("text/tinystories/valid-sample.txt"), "../shared/text")
        else { return }
        let folder = try TemporaryDirectory()
        let types = ["q8_0", "q4_0", "q4_k_m"]
        try CLI.convert(model, to: types, in: folder)
        let candidates = types.map { folder.file("\($0).gguf") }
        let result = try CLI.run(["compare", model] + candidates + ["-f", text, "-c", "64", "--chunks", "2", "-q",
                                  "--svg", folder.file("charts.svg"), "--html", folder.file("report.html")])
        try #require(result.status == 0, "\(result.output)")

        let svg = try XMLDocument(contentsOf: URL(fileURLWithPath: folder.file("charts.svg")))
        #expect(svg.rootElement()?.name == "svg")
        // The page is written as well-formed markup, so an XML parser reads it too.
        let html = try XMLDocument(contentsOf: URL(fileURLWithPath: folder.file("report.html")))
        #expect(html.rootElement()?.name == "html")
        #expect(try html.nodes(forXPath: "//table/tbody/tr").count == 1 + types.count)

        for document in [svg, html] {
            for chart in ["size-dppl", "size-kld"] {
                let points = try document.nodes(forXPath: "//*[@id='\(chart)']//*[@class='point']")
                let files = try document.nodes(forXPath: "//*[@id='\(chart)']//*[@class='point']/@data-file").compactMap(\.stringValue)
                #expect(points.count == types.count, "\(chart)")
                #expect(files.sorted() == candidates.sorted(), "\(chart)")
                let labels = points.compactMap { ($0 as? XMLElement)?.elements(forName: "text").first?.stringValue }
                #expect(labels.sorted() == ["Q4_0", "Q4_K_M", "Q8_0"], "\(chart)")
                #expect(try document.nodes(forXPath: "//*[@id='\(chart)']//*[@class='point']/*[local-name()='circle']").count == types.count)
            }
            let bars = try document.nodes(forXPath: "//*[@id='speed']//*[@class='point']")
            #expect(bars.count == 1 + types.count, "the original and every candidate")
        }
    }
}
