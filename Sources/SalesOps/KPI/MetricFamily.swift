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

    /// A family whose statement is the resource `Families/<statement>.sql`.
    init(name: String, target: Target, statement: String) {
        self.init(name: name, target: target) { input in try FamilyStatements.query(statement, for: input) }
        self.statement = statement
    }
}

/// What a family's statement binds: the org's id (`$1`) and its IANA time zone (`$2`, local days).
struct FamilyInput: Sendable {
    var id: Int64
    var timeZone: String
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
        Query(unescaped: try Self.text(name), bindings: [
            Query.Binding(text: String(input.id), type: .int8),
            Query.Binding(text: input.timeZone, type: .text),
        ])
    }

    /// Every statement file of the build, by name.
    static func names() throws -> [String] {
        guard let folder = Bundle.module.url(forResource: "Families", withExtension: nil) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    private static let cache = Mutex<[String: String]>([:])
}
