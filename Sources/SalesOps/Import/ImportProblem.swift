/// One thing wrong with an import file: where (line, column), what value, and why.
public struct ImportProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Why a value was refused.
    public struct Reason: Error, Sendable, Equatable, ExpressibleByStringInterpolation {
        public var message: String
        public init(stringLiteral value: String) { self.message = value }
        public init(_ message: String) { self.message = message }
    }

    /// The 1-based line of the file (the line a multi-line record starts on).
    public var line: Int
    /// The column's header name, when the problem is in one column.
    public var column: String?
    /// The offending value, when there is one.
    public var value: String?
    public var message: String

    public var description: String {
        var text = "line \(self.line)"
        if let column { text += ", column \(Self.quoted(column).dropFirst().dropLast())" }
        if let value { text += ", value \(Self.quoted(value))" }
        return text + ": " + self.message
    }

    /// The value in double quotes, shortened and with control characters escaped.
    static func quoted(_ value: String) -> String {
        var shown = ""
        for scalar in value.unicodeScalars.prefix(80) {
            switch scalar {
            case "\"": shown += "\\\""
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            default:
                if scalar.value < 0x20 { shown += "\\u{\(String(scalar.value, radix: 16))}" } else { shown.unicodeScalars.append(scalar) }
            }
        }
        if value.unicodeScalars.count > 80 { shown += "…" }
        return "\"\(shown)\""
    }
}

/// An import that was refused. Nothing was written.
///
/// It keeps the first problems (up to `ImportFailure.reportLimit`) and the total count.
public struct ImportFailure: Error, Sendable, CustomStringConvertible {
    /// How many problems are kept for the report.
    public static let reportLimit = 20

    /// The file as the user named it (`<stdin>` for `-`).
    public var file: String
    public var problems: [ImportProblem]
    public var totalProblems: Int

    public var description: String {
        var lines = self.problems.map { "\(self.file): \($0)" }
        if self.totalProblems > self.problems.count {
            lines.append("\(self.file): … and \(self.totalProblems - self.problems.count) more problems (\(self.totalProblems) in all)")
        }
        lines.append("\(self.file): nothing was imported")
        return lines.joined(separator: "\n")
    }
}

/// Collects problems, keeping the first few and counting all.
struct ImportProblemLog {
    private(set) var kept: [ImportProblem] = []
    private(set) var total = 0

    var isEmpty: Bool { self.total == 0 }

    mutating func add(_ problem: ImportProblem) {
        self.total += 1
        guard self.kept.count < ImportFailure.reportLimit else { return }
        var kept = problem
        kept.column = problem.column.map(Self.clipped)
        kept.value = problem.value.map(Self.clipped)
        self.kept.append(kept)
    }

    /// Keeps an echoed value short (a header or cell may be megabytes long).
    static func clipped(_ text: String) -> String {
        text.unicodeScalars.count <= 200 ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(200))) + "…"
    }

    func failure(file: String) -> ImportFailure {
        ImportFailure(file: file, problems: self.kept, totalProblems: self.total)
    }
}
