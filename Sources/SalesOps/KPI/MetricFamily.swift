import Foundation
import PostgresClient
import Synchronization

/// One metric family: a set-based statement that computes its metrics into one of the run's
/// new-fact tables. The statement is a SQL file of its own, `Families/<name>.sql` (a resource
/// of this module), with `$1` = the org's id and `$2` = its IANA time zone, so psql and
/// `EXPLAIN` read the same text the engine runs. Which metrics a family writes is said by the
/// metrics' specs (`MetricSpec.family`), not here; `MetricDeclarationTests` requires each
/// family to write exactly the metrics whose specs name it.
struct MetricFamily: Sendable {
    /// The fact table a family writes.
    enum Target: Sendable, Equatable {
        /// `kpi_new_facts` → `kpi.metric_fact_rows`: metrics of the catalogue, by period and scope.
        case metrics
        /// `kpi_new_stage_facts` → `kpi.stage_fact_rows`: per stage, org scope.
        case stages
        /// `kpi_new_breakdown_facts` → `kpi.breakdown_fact_rows`: per dimension key.
        case breakdowns
    }

    /// The family's name, as the specs of its metrics give it.
    var name: String
    var target: Target
    /// The name of its statement file (`Families/<statement>.sql`); nil for a statement given inline.
    var statement: String?
    /// The statement for an org; it reads the run's temporary tables.
    var query: @Sendable (FamilyInput) throws -> Query

    /// A family whose statement is given inline (tests).
    init(name: String, target: Target, query: @escaping @Sendable (FamilyInput) throws -> Query) {
        self.name = name
        self.target = target
        self.query = query
    }

    /// A family whose statement is the resource `Families/<statement>.sql`; on a cluster it is
    /// sent to the org's node whole (`FamilyStatements.routedWhole`).
    init(name: String, target: Target, statement: String) {
        self.init(name: name, target: target) { input in try FamilyStatements.query(statement, for: input) }
        self.statement = statement
    }
}

/// What a family's statement binds: the org's id (`$1`) and its IANA time zone (`$2`, local days).
struct FamilyInput: Sendable {
    var id: Int64
    var timeZone: String
    /// Whether the run is on a Citus cluster, where the statement is sent as `FamilyStatements.routedWhole` has it.
    var distributed = false
}

/// The family statements, read once from the module's resources: the bundle
/// `salesops_SalesOps.resources` next to the executable (where a release build puts it, and
/// where an installation must copy it with `salesctl`), else the one in the build folder.
enum FamilyStatements {
    /// The text of `Families/<name>.sql`.
    /// - Throws: `KPIEngineError.missingStatement` when the build lacks the file.
    static func text(_ name: String) throws -> String {
        if let text = Self.cache.withLock({ $0[name] }) { return text }
        guard let url = Bundle.module.url(forResource: name, withExtension: "sql", subdirectory: "Families"),
              let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else { throw KPIEngineError.missingStatement(name) }
        Self.cache.withLock { $0[name] = text }
        return text
    }

    /// The statement `name` with the org's id as `$1` and its time zone as `$2`.
    static func query(_ name: String, for input: FamilyInput) throws -> Query {
        let text = try Self.text(name)
        return Query(unescaped: input.distributed ? try Self.routedWhole(text, name: name, org: input.id) : text, bindings: [
            Query.Binding(text: String(input.id), type: .int8),
            Query.Binding(text: input.timeZone, type: .text),
        ])
    }

    /// A family statement as a Citus cluster runs it on the org's node, whole.
    ///
    /// Citus sends an `INSERT … SELECT` to the node of its rows only when the inserted `org_id`
    /// is a distributed table's `org_id` (the family's `$1` is a parameter) and when the
    /// statement's common table expressions sit inside the `SELECT` (at the top of an `INSERT`,
    /// their tables are not renamed to the node's shards). Otherwise it runs the `SELECT` on
    /// the node and sends its rows back to be inserted through the coordinator. So the
    /// statement `WITH … INSERT INTO t (org_id, c2, …) SELECT …` becomes
    /// `INSERT INTO t (org_id, c2, …) SELECT family_run.org_id, family_rows.c2, … FROM kpi_window
    /// family_run CROSS JOIN (WITH … SELECT …) AS family_rows (org_id, c2, …) WHERE
    /// family_run.org_id = $1`: the same rows, the org's id now read from the run's window row.
    /// Two habits keep the families sendable this way: untyped NULLs are cast (in a subquery
    /// they would become text), and no CASE has a test expression (Citus prints it wrongly).
    /// - Throws: `KPIEngineError.malformedStatement` when the statement has no
    ///   `INSERT INTO table (org_id, …)` line.
    static func routedWhole(_ text: String, name: String, org: Int64) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix("INSERT INTO ") }),
              let open = lines[index].firstIndex(of: "("), let close = lines[index].lastIndex(of: ")"), open < close
        else { throw KPIEngineError.malformedStatement(name, "has no line `INSERT INTO table (columns)`") }
        let insert = lines[index]
        let columns = insert[insert.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard columns.first == "org_id" else { throw KPIEngineError.malformedStatement(name, "does not insert org_id first") }
        lines.remove(at: index)
        var inner = Self.withOrgWritten(lines.joined(separator: "\n"), org: org).trimmingCharacters(in: .whitespacesAndNewlines)
        if inner.hasSuffix(";") { inner.removeLast() }
        let outer = (["family_run.org_id"] + columns.dropFirst().map { "family_rows.\($0)" }).joined(separator: ", ")
        return """
            \(insert)
            SELECT \(outer)
            FROM kpi_window family_run
            CROSS JOIN (
            \(inner)
            ) AS family_rows (\(columns.joined(separator: ", ")))
            WHERE family_run.org_id = \(org)
            """
    }

    /// `text` with every `$1` (not `$10`, …) replaced by `org`'s digits.
    static func withOrgWritten(_ text: String, org: Int64) -> String {
        var result = "", rest = Substring(text)
        while let range = rest.range(of: "$1") {
            result += rest[..<range.lowerBound]
            let after = rest[range.upperBound...]
            if let next = after.first, next.isNumber { result += "$1" } else { result += String(org) }
            rest = after
        }
        return result + rest
    }

    /// Every statement file of the build, by name.
    static func names() throws -> [String] {
        guard let folder = Bundle.module.url(forResource: "Families", withExtension: nil) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    private static let cache = Mutex<[String: String]>([:])
}
