import Foundation

/// `compare --svg` and `--html`: size against ΔPPL, size against KL divergence (log scale) and
/// tokens per second, one labelled mark per file, drawn as plain SVG so the files need no scripts,
/// fonts or network to open.
enum ComparisonCharts {
    struct Point {
        var file: String
        var label: String
        var x: Double
        var y: Double
    }

    static let width = 760.0
    static let chartHeight = 300.0
    static let margin = (left: 78.0, right: 24.0, top: 36.0, bottom: 48.0)

    /// One SVG document holding the three charts, one under the other.
    static func svg(_ rows: [ComparisonRow], title: String) -> String {
        let candidates = rows.dropFirst()
        let size = candidates.map { Point(file: $0.name, label: label($0), x: Double($0.report.fileBytes) / 1e6,
                                          y: $0.report.deltaPerplexity) }
        // A KL divergence of exactly 0 has no place on a log scale; it is drawn at the floor.
        let kld = candidates.map { Point(file: $0.name, label: label($0), x: Double($0.report.fileBytes) / 1e6,
                                         y: max($0.report.meanKLDivergence, 1e-6)) }
        let speed = rows.enumerated().map { index, row in
            Point(file: row.name, label: index == 0 ? "original" + (row.report.fileType.map { " \($0)" } ?? "") : label(row),
                  x: 0, y: row.report.tokensPerSecond)
        }
        let height = 3 * chartHeight + 40
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(format(width))" height="\(format(height))" \
            viewBox="0 0 \(format(width)) \(format(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(format(width / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        out += scatter(size, id: "size-dppl", top: 30, title: "File size against ΔPPL (perplexity above the original's)",
                       xLabel: "file size (MB)", yLabel: "ΔPPL", logY: false)
        out += scatter(kld, id: "size-kld", top: 30 + chartHeight, title: "File size against mean KL divergence from the original",
                       xLabel: "file size (MB)", yLabel: "KLD (nats, log scale)", logY: true)
        out += bars(speed, id: "speed", top: 30 + 2 * chartHeight, title: "Tokens per second (prompt evaluation on the text)")
        return out + "</svg>\n"
    }

    /// A self-contained page: the comparison table, then the charts inline.
    static func html(_ rows: [ComparisonRow], title: String, caption: String) -> String {
        let header = ComparisonTable.headers.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + ComparisonTable.cells(row).map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <title>\(escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; }
            table { border-collapse: collapse; margin-bottom: 24px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
            th { background: #f3f3f3; }
            </style>
            </head>
            <body>
            <h1>\(escape(title))</h1>
            <p>\(escape(caption))</p>
            <table>
            <thead><tr>\(header)</tr></thead>
            <tbody>
            \(body)
            </tbody>
            </table>
            \(svg(rows, title: title))</body>
            </html>

            """
    }

    /// The file's type (`Q4_K_M`) when it says, else its name.
    static func label(_ row: ComparisonRow) -> String {
        row.report.fileType ?? URL(fileURLWithPath: row.name).deletingPathExtension().lastPathComponent
    }

    static func scatter(_ points: [Point], id: String, top: Double, title: String, xLabel: String, yLabel: String,
                        logY: Bool) -> String {
        let plot = (x0: margin.left, x1: width - margin.right, y0: top + margin.top, y1: top + chartHeight - margin.bottom)
        let xs = points.map(\.x), ys = points.map(\.y)
        let xTicks = linearTicks(min: xs.min() ?? 0, max: xs.max() ?? 1, includeZero: false)
        let yTicks = logY ? logTicks(min: ys.min() ?? 1e-3, max: ys.max() ?? 1) : linearTicks(min: ys.min() ?? 0, max: ys.max() ?? 1, includeZero: true)
        let xMin = xTicks.first!, xMax = xTicks.last!
        let yMin = yTicks.first!, yMax = yTicks.last!
        func px(_ x: Double) -> Double { plot.x0 + (x - xMin) / (xMax - xMin) * (plot.x1 - plot.x0) }
        func py(_ y: Double) -> Double {
            let t = logY ? (log10(y) - log10(yMin)) / (log10(yMax) - log10(yMin)) : (y - yMin) / (yMax - yMin)
            return plot.y1 - t * (plot.y1 - plot.y0)
        }
        var out = "<g id=\"\(id)\" class=\"chart\">\n"
        out += "<text x=\"\(format(width / 2))\" y=\"\(format(top + 22))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>\n"
        out += axes(plot: plot, xTicks: xTicks.map { ($0, px($0)) }, yTicks: yTicks.map { ($0, py($0)) }, xLabel: xLabel, yLabel: yLabel)
        if !logY, yMin < 0, yMax > 0 {
            out += "<line x1=\"\(format(plot.x0))\" y1=\"\(format(py(0)))\" x2=\"\(format(plot.x1))\" y2=\"\(format(py(0)))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n"
        }
        // Labels of points drawn at (nearly) the same place are stacked so each stays readable.
        var labelled: [(x: Double, y: Double)] = []
        for point in points {
            let (x, y) = (px(point.x), py(point.y))
            let earlier = labelled.filter { abs($0.x - x) < 30 && abs($0.y - y) < 6 }.count
            labelled.append((x, y))
            out += "<g class=\"point\" data-file=\"\(escape(point.file))\"><title>\(escape(point.file)): \(format(point.x)) MB, \(String(format: "%.6g", point.y))</title>"
            out += "<circle cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"5\" fill=\"#1f77b4\" stroke=\"#0b3c61\"/>"
            out += "<text x=\"\(format(x + 8))\" y=\"\(format(y - 6 - 12 * Double(earlier)))\" font-size=\"11\">\(escape(point.label))</text></g>\n"
        }
        return out + "</g>\n"
    }

    static func bars(_ points: [Point], id: String, top: Double, title: String) -> String {
        let plot = (x0: margin.left, x1: width - margin.right, y0: top + margin.top, y1: top + chartHeight - margin.bottom)
        let ticks = linearTicks(min: 0, max: points.map(\.y).max() ?? 1, includeZero: true)
        let yMax = ticks.last!
        func py(_ y: Double) -> Double { plot.y1 - y / yMax * (plot.y1 - plot.y0) }
        let slot = (plot.x1 - plot.x0) / Double(max(points.count, 1))
        var out = "<g id=\"\(id)\" class=\"chart\">\n"
        out += "<text x=\"\(format(width / 2))\" y=\"\(format(top + 22))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape(title))</text>\n"
        out += axes(plot: plot, xTicks: [], yTicks: ticks.map { ($0, py($0)) }, xLabel: "", yLabel: "tokens/s")
        for (index, point) in points.enumerated() {
            let x = plot.x0 + slot * Double(index) + slot * 0.2
            let y = py(point.y)
            out += "<g class=\"point\" data-file=\"\(escape(point.file))\"><title>\(escape(point.file)): \(String(format: "%.1f", point.y)) tokens/s</title>"
            out += "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(slot * 0.6))\" height=\"\(format(plot.y1 - y))\" fill=\"\(index == 0 ? "#999" : "#ff7f0e")\"/>"
            out += "<text x=\"\(format(x + slot * 0.3))\" y=\"\(format(plot.y1 + 16))\" text-anchor=\"middle\" font-size=\"11\">\(escape(point.label))</text>"
            out += "<text x=\"\(format(x + slot * 0.3))\" y=\"\(format(y - 4))\" text-anchor=\"middle\" font-size=\"10\">\(String(format: "%.0f", point.y))</text></g>\n"
        }
        return out + "</g>\n"
    }

    static func axes(plot: (x0: Double, x1: Double, y0: Double, y1: Double), xTicks: [(Double, Double)],
                     yTicks: [(Double, Double)], xLabel: String, yLabel: String) -> String {
        var out = "<rect x=\"\(format(plot.x0))\" y=\"\(format(plot.y0))\" width=\"\(format(plot.x1 - plot.x0))\" height=\"\(format(plot.y1 - plot.y0))\" fill=\"none\" stroke=\"#444\"/>\n"
        for (value, x) in xTicks {
            out += "<line x1=\"\(format(x))\" y1=\"\(format(plot.y0))\" x2=\"\(format(x))\" y2=\"\(format(plot.y1))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(format(x))\" y=\"\(format(plot.y1 + 16))\" text-anchor=\"middle\">\(tickText(value))</text>\n"
        }
        for (value, y) in yTicks {
            out += "<line x1=\"\(format(plot.x0))\" y1=\"\(format(y))\" x2=\"\(format(plot.x1))\" y2=\"\(format(y))\" stroke=\"#eee\"/>"
            out += "<text x=\"\(format(plot.x0 - 6))\" y=\"\(format(y + 4))\" text-anchor=\"end\">\(tickText(value))</text>\n"
        }
        if !xLabel.isEmpty {
            out += "<text x=\"\(format((plot.x0 + plot.x1) / 2))\" y=\"\(format(plot.y1 + 36))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        }
        let middle = (plot.y0 + plot.y1) / 2
        out += "<text x=\"\(format(plot.x0 - 58))\" y=\"\(format(middle))\" text-anchor=\"middle\" transform=\"rotate(-90 \(format(plot.x0 - 58)) \(format(middle)))\">\(escape(yLabel))</text>\n"
        return out
    }

    /// Round-number ticks covering min…max (about five of them).
    static func linearTicks(min low: Double, max high: Double, includeZero: Bool) -> [Double] {
        var low = includeZero ? Swift.min(low, 0) : low
        var high = includeZero ? Swift.max(high, 0) : high
        if high - low < 1e-12 {
            let pad = Swift.max(abs(high) * 0.1, 1e-3)
            low -= pad
            high += pad
        } else {
            // Room past the extreme points, so no mark or label sits on the frame.
            let pad = (high - low) * 0.08
            if !(includeZero && low == 0) { low -= pad }
            high += pad
        }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        let first = floor(low / step) * step
        let last = ceil(high / step) * step
        return stride(from: first, through: last + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// Decades covering min…max.
    static func logTicks(min low: Double, max high: Double) -> [Double] {
        // A little room past the extreme points, so no mark or label sits on the frame.
        let first = floor(log10(Swift.max(low, 1e-9)) - 0.15)
        let last = Swift.max(ceil(log10(Swift.max(high, 1e-9)) + 0.15), first + 1)
        return stride(from: first, through: last, by: 1).map { pow(10, $0) }
    }

    static func tickText(_ value: Double) -> String {
        if value != 0, abs(value) < 1e-2 || abs(value) >= 1e5 { return String(format: "%.0e", value) }
        return String(format: "%g", (value * 1e6).rounded() / 1e6)
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
