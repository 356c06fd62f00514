import ArgumentParser
import Foundation
import SalesOps

/// `salesctl import KIND --org SLUG FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file into an org, all or nothing.",
        discussion: """
            UTF-8, comma separated, RFC 4180 quoting, a header row naming the columns in any order;
            an empty cell is null. Timestamps are RFC 3339 with an offset; dates YYYY-MM-DD; months YYYY-MM.
            Rows upsert by their key, so importing the same file twice changes nothing.
            On any problem nothing is written; the first \(ImportFailure.reportLimit) problems are listed
            with file, line, column and value, and the exit code is 65.

            Kinds and columns (* required):
            \(ImportKind.allCases.map { "  \($0.rawValue): \($0.columnSummary)" }.joined(separator: "\n"))
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "What the file holds: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: ImportKind

    @Argument(help: "The CSV file; - reads standard input.")
    var file: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Largest field in bytes (after unquoting).")
    var maxFieldBytes = CSVLimits().maximumFieldBytes

    @Option(help: "Largest record (one row's fields together) in bytes.")
    var maxRecordBytes = CSVLimits().maximumRecordBytes

    func validate() throws {
        guard (1...(1 << 30)).contains(self.maxFieldBytes) else { throw ValidationError("--max-field-bytes must be 1–1073741824") }
        guard (1...(1 << 30)).contains(self.maxRecordBytes) else { throw ValidationError("--max-record-bytes must be 1–1073741824") }
    }

    func run() throws {
        try reportingErrors {
            let (handle, name) = try self.openFile()
            defer { try? handle.close() }
            let session = try Session.open(self.global)
            let org = try session.org(self.scope.org)
            let progress = ProgressLine(label: "\(self.kind.rawValue) \(name)")
            defer { progress.finish() }
            var limits = CSVLimits()
            limits.maximumFieldBytes = self.maxFieldBytes
            limits.maximumRecordBytes = self.maxRecordBytes
            let report = try Importer(connection: session.connection, limits: limits, progress: progress.isEnabled ? progress.update : nil)
                .run(self.kind, orgID: org.id, handle: handle, fileName: name)
            progress.finish()
            if self.json { return try Output.json(report) }
            print("\(name): \(report.rows) \(report.kind.rawValue) rows: \(report.inserted) inserted, \(report.updated) updated, \(report.unchanged) unchanged")
        }
    }

    private func openFile() throws -> (FileHandle, String) {
        if self.file == "-" { return (FileHandle.standardInput, "<stdin>") }
        guard let handle = FileHandle(forReadingAtPath: self.file) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: self.file, isDirectory: &isDirectory)
            throw SalesOpsError.invalidInput("\(self.file): " + (exists ? (isDirectory.boolValue ? "is a folder, not a file" : "cannot be read") : "no such file"))
        }
        return (handle, self.file)
    }
}

/// A progress line on stderr for long imports, shown only when stderr is a terminal.
final class ProgressLine {
    let label: String
    let isEnabled = isatty(STDERR_FILENO) == 1
    private var shown = false

    init(label: String) {
        self.label = label
    }

    func update(rows: Int, bytes: Int) {
        self.shown = true
        let megabytes = Double(bytes) / 1_048_576
        FileHandle.standardError.write(Data("\r\(self.label): \(rows) rows, \(String(format: "%.1f", megabytes)) MB read".utf8))
    }

    func finish() {
        guard self.shown else { return }
        self.shown = false
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
