import PostgresClient

/// Planner statistics after a bulk import: an org's first load of a kind.
///
/// Autovacuum analyzes a table once a tenth of it has changed. A new org's rows are often far
/// less than that of a shared table, and until the table is analyzed the planner knows nothing
/// of them: with another org's statistics, its first backfill was planned for one row per join
/// and took 21.9 s against 3.7 s after an ANALYZE (README, KPI benchmark). So after an import
/// whose new rows are at least half of the org's rows in a table it wrote — the org's data
/// arriving, not a day's changes — that table is analyzed, outside the import's transaction.
/// `SKIP_LOCKED`: a table another session is analyzing is left to it. Failures are logged,
/// never the import's: its rows are committed by then.
struct ImportStatistics {
    let connection: Connection

    /// Fewest new rows that make an import a load worth analyzing for.
    static let minimumInserted = 100

    /// The tables `writes` insert into (`INSERT INTO salesops.<table>`), in order, once each.
    static func writtenTables(_ writes: [String]) -> [String] {
        var tables: [String] = []
        for write in writes {
            var rest = Substring(write)
            while let range = rest.range(of: "INSERT INTO salesops.") {
                let name = rest[range.upperBound...].prefix { $0.isLetter || $0 == "_" }
                if !name.isEmpty, !tables.contains(String(name)) { tables.append(String(name)) }
                rest = rest[range.upperBound...]
            }
        }
        return tables
    }

    /// Analyzes each table of `definition` whose org rows the import's `inserted` rows are at
    /// least half of; returns the tables analyzed.
    @discardableResult
    func refresh(after report: ImportReport, definition: ImportDefinition, orgID: Int64) -> [String] {
        guard report.inserted >= Self.minimumInserted else { return [] }
        var analyzed: [String] = []
        for table in Self.writtenTables(definition.writes) {
            do {
                let rows: Int = try self.connection.withTenant(orgID) { session in
                    try session.connection.query("SELECT count(*)::int AS n FROM salesops.\(unescaped: table) WHERE org_id = \(orgID)")
                        .rows[0].decode("n")
                }
                guard 2 * report.inserted >= rows else { continue }
                try self.connection.execute("ANALYZE (SKIP_LOCKED) salesops.\(unescaped: table)")
                analyzed.append(table)
            } catch {
                self.connection.logger.warning("import: statistics not refreshed", metadata: [
                    "table": "salesops.\(table)", "error": "\(error)",
                ])
            }
        }
        return analyzed
    }
}
