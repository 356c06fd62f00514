import Foundation
import Logging
import PostgresClient

/// What an import did.
public struct ImportReport: Sendable, Equatable, Codable {
    public var kind: ImportKind
    public var file: String
    /// Data rows in the file.
    public var rows: Int
    /// Entities created.
    public var inserted: Int
    /// Existing entities whose values changed.
    public var updated: Int
    /// Rows that matched an entity already holding the same values.
    public var unchanged: Int { max(0, self.rows - self.inserted - self.updated) }
}

/// Imports one CSV file into one org, all or nothing.
///
/// The file streams through a strict RFC 4180 reader; each value is checked as it passes
/// and the row is copied (COPY) into a temporary staging table. The database then checks
/// references and cross-row rules set-based and upserts by the entity's key, so a second
/// import of the same file changes nothing. Any problem rolls the whole file back.
public struct Importer {
    /// Called every `progressInterval` rows with the rows and bytes read so far.
    public typealias Progress = (_ rows: Int, _ bytes: Int) -> Void

    let connection: Connection
    let progress: Progress?
    let progressInterval: Int
    let limits: CSVLimits

    /// - Parameters:
    ///   - connection: a connection not inside a transaction.
    ///   - limits: the largest field, record and field count a file may have.
    ///   - progress: reports progress on long imports.
    public init(connection: Connection, limits: CSVLimits = CSVLimits(), progressInterval: Int = 100_000,
                progress: Progress? = nil) {
        self.connection = connection
        self.limits = limits
        self.progress = progress
        self.progressInterval = progressInterval
    }

    /// Imports a file.
    /// - Parameters:
    ///   - kind: what the file holds.
    ///   - orgID: the org it goes into.
    ///   - handle: the file, read from its current position.
    ///   - fileName: the name problems are reported under.
    /// - Throws: `ImportFailure` (nothing written) when the file has problems; a
    ///   `PostgresError` when the database fails.
    public func run(_ kind: ImportKind, orgID: Int64, handle: FileHandle, fileName: String) throws -> ImportReport {
        // A file (not a pipe) can be read again: a deadlock or serialization failure with a
        // concurrent import is retried from the start, a few times, after a short pause.
        let start = try? handle.offset()
        var attempt = 0
        while true {
            do {
                let report = try self.runOnce(kind, orgID: orgID, handle: handle, fileName: fileName)
                ImportStatistics(connection: self.connection).refresh(after: report, definition: kind.definition, orgID: orgID)
                return report
            } catch where attempt < Self.transientRetries && Self.isTransient(error) && start != nil {
                attempt += 1
                self.connection.logger.info("import: retrying after a conflict with a concurrent import",
                                            metadata: ["attempt": "\(attempt)", "file": "\(fileName)"])
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
                try handle.seek(toOffset: start!)
            }
        }
    }

    /// How often a transient conflict is retried.
    static let transientRetries = 3

    /// Deadlocks, serialization failures and unique violations: they may pass when the
    /// transaction runs again. Every key a file repeats or shares with another entity is a
    /// problem the checks report by line first, so a unique violation at the write is a
    /// concurrent import that inserted the same new key first; run again, the key exists.
    static func isTransient(_ error: any Error) -> Bool {
        failed(with: [.deadlockDetected, .serializationFailure, .uniqueViolation], error)
    }

    private func runOnce(_ kind: ImportKind, orgID: Int64, handle: FileHandle, fileName: String) throws -> ImportReport {
        let definition = kind.definition
        let clock = ContinuousClock()
        let started = clock.now
        let logger = self.connection.logger
        return try self.connection.withTenant(orgID) { session in
            let reader = CSVReader(handle: handle, limits: self.limits)
            let header = try self.readHeader(reader, definition: definition, fileName: fileName)
            // Room for the write's sort by key and its joins (the materializer's own setting).
            try session.connection.execute("SET LOCAL work_mem = '64MB'")
            let staging = ImportStaging(kind: kind, orgID: orgID, distributed: try session.connection.isDistributed())
            try staging.create(on: session.connection)
            var problems = ImportProblemLog()
            var rows = 0
            var lastLine = 0
            let prefix = staging.rowPrefix
            try session.connection.copyIn(staging.copyStatement) { writer in
                var line: [UInt8] = []
                line.reserveCapacity(512)
                var columnNames = [String?](repeating: nil, count: (header.compactMap { $0 }.max() ?? -1) + 1)
                for (column, position) in zip(definition.columns, header) { if let position { columnNames[position] = column.name } }
                while let record = try self.nextRecord(reader, columnNames: columnNames, problems: &problems) {
                    rows += 1
                    lastLine = record.line
                    if rows % self.progressInterval == 0 { self.progress?(rows, reader.bytesRead) }
                    guard self.encode(record, header: header, definition: definition, prefix: prefix, into: &line, problems: &problems),
                          problems.isEmpty else { continue }
                    try writer.write(bytes: line)
                }
                // Abandon the COPY (and with it the transaction) when any row was refused.
                if !problems.isEmpty { throw problems.failure(file: fileName) }
            }
            logger.debug("import: file streamed into staging", metadata: ["rows": "\(rows)", "elapsed": "\(clock.now - started)"])
            if rows == 0 {
                try staging.finish(on: session.connection)
                return ImportReport(kind: kind, file: fileName, rows: 0, inserted: 0, updated: 0)
            }
            try staging.analyze(on: session.connection)
            try self.runChecks(definition, orgID: orgID, on: session.connection, fileName: fileName)
            logger.debug("import: checks passed", metadata: ["elapsed": "\(clock.now - started)"])
            let rowIDs = try ImportRowIDs.reserve(coveringLines: lastLine, on: session.connection)
            let bindings = [Self.orgBinding(orgID), rowIDs.binding]
            var inserted = 0
            var updated = 0
            for write in definition.writes {
                let result = try session.connection.query(Query(unescaped: staging.adapted(write), bindings: bindings))
                for row in result.rows {
                    inserted += try row.decode("inserted", as: Int.self)
                    updated += try row.decode("updated", as: Int.self)
                }
            }
            try staging.finish(on: session.connection)
            logger.debug("import: rows written", metadata: ["inserted": "\(inserted)", "updated": "\(updated)", "elapsed": "\(clock.now - started)"])
            return ImportReport(kind: kind, file: fileName, rows: rows, inserted: inserted, updated: updated)
        }
    }

    /// Header position of each format column, in format order (nil when absent).
    private func readHeader(_ reader: CSVReader, definition: ImportDefinition, fileName: String) throws -> [Int?] {
        var problems = ImportProblemLog()
        let record: CSVReader.Record?
        do {
            record = try reader.next()
        } catch let error as CSVReader.SyntaxError {
            problems.add(ImportProblem(line: error.line, column: nil, value: nil, message: error.message))
            throw problems.failure(file: fileName)
        }
        guard let record else {
            problems.add(ImportProblem(line: 1, column: nil, value: nil,
                                       message: "the file is empty; expected a header row naming the columns"))
            throw problems.failure(file: fileName)
        }
        let known = definition.columns.map(\.name)
        var positions: [String: Int] = [:]
        for (index, name) in record.fields.enumerated() {
            guard let name else {
                problems.add(ImportProblem(line: record.line, column: nil, value: nil, message: "header field \(index + 1) is empty"))
                continue
            }
            if !known.contains(name) {
                problems.add(ImportProblem(line: record.line, column: name, value: nil,
                                           message: "unknown column; this format has: \(known.joined(separator: ", "))"))
            } else if positions[name] != nil {
                problems.add(ImportProblem(line: record.line, column: name, value: nil, message: "column appears twice in the header"))
            } else {
                positions[name] = index
            }
        }
        for column in definition.columns where column.required && positions[column.name] == nil {
            problems.add(ImportProblem(line: record.line, column: column.name, value: nil, message: "required column is missing from the header"))
        }
        if !problems.isEmpty { throw problems.failure(file: fileName) }
        return definition.columns.map { positions[$0.name] }
    }

    /// The next record; a syntax error is logged and ends the file (the rest cannot be trusted).
    private func nextRecord(_ reader: CSVReader, columnNames: [String?], problems: inout ImportProblemLog) throws -> CSVReader.Record? {
        do {
            return try reader.next()
        } catch let error as CSVReader.SyntaxError {
            let column = error.field.flatMap { $0 <= columnNames.count ? columnNames[$0 - 1] : nil }
            problems.add(ImportProblem(line: error.line, column: column, value: nil, message: error.message))
            return nil
        }
    }

    /// Checks a record and writes it as one COPY text line into `line`.
    /// - Returns: false when the record has a problem (logged).
    private func encode(_ record: CSVReader.Record, header: [Int?], definition: ImportDefinition, prefix: [UInt8],
                        into line: inout [UInt8], problems: inout ImportProblemLog) -> Bool {
        let fieldCount = header.count(where: { $0 != nil })
        guard record.fields.count == fieldCount else {
            problems.add(ImportProblem(line: record.line, column: nil, value: nil,
                                       message: "has \(record.fields.count) fields, the header has \(fieldCount)"))
            return false
        }
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: prefix)
        line.append(contentsOf: String(record.line).utf8)
        var valid = true
        var values: [String: String] = [:]
        for (column, position) in zip(definition.columns, header) {
            line.append(0x09)
            // Values are trimmed; one left blank counts as missing (TextLimits).
            guard let position, let raw = record.fields[position].flatMap(TextLimits.trimmed) else {
                if column.required {
                    let blank = position.flatMap { record.fields[$0] } != nil
                    problems.add(ImportProblem(line: record.line, column: column.name, value: nil,
                                               message: blank ? "a value is required (this one is blank)" : "a value is required"))
                    valid = false
                }
                line.append(contentsOf: [0x5C, 0x4E]) // \N
                continue
            }
            switch column.canonical(raw) {
            case .success(let text):
                Self.appendCopyEscaped(text, to: &line)
                if definition.rowCheck != nil { values[column.name] = text }
            case .failure(let reason):
                problems.add(ImportProblem(line: record.line, column: column.name, value: raw, message: reason.message))
                valid = false
            }
        }
        if valid, let rowCheck = definition.rowCheck, let (column, reason) = rowCheck(values) {
            problems.add(ImportProblem(line: record.line, column: column, value: values[column], message: reason.message))
            valid = false
        }
        line.append(0x0A)
        return valid
    }

    /// Escapes a value for COPY's text format: backslash, tab, newline and carriage return.
    static func appendCopyEscaped(_ text: String, to line: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
            case 0x09: line.append(contentsOf: [0x5C, 0x74])
            case 0x0A: line.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: line.append(contentsOf: [0x5C, 0x72])
            default: line.append(byte)
            }
        }
    }

    private func runChecks(_ definition: ImportDefinition, orgID: Int64, on connection: Connection, fileName: String) throws {
        guard !definition.checks.isEmpty else { return }
        let union = definition.checks.map { "(\($0))" }.joined(separator: "\nUNION ALL\n")
        let sql = """
            SELECT line, column_name, value, message, count(*) OVER () AS total
            FROM (\(union)) AS problems (line, column_name, value, message)
            ORDER BY line, column_name
            LIMIT \(ImportFailure.reportLimit)
            """
        let rows = try connection.query(Query(unescaped: sql, bindings: [Self.orgBinding(orgID)])).rows
        guard let first = rows.first else { return }
        let problems = try rows.map { row in
            ImportProblem(line: try row.decode("line"), column: try row.decode("column_name"),
                          value: try row.decode("value"), message: try row.decode("message"))
        }
        throw ImportFailure(file: fileName, problems: problems, totalProblems: try first.decode("total"))
    }

    static func orgBinding(_ orgID: Int64) -> Query.Binding {
        Query.Binding(text: String(orgID), type: .int8)
    }
}
