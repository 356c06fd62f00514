import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// Each metric family is declared once (`MetricFamily`); these tests hold the declarations
/// against the catalogue, the fact tables' CHECK lists and what the families really write.
@Suite("Metric families: declared once, and the catalogue, the checks and the facts agree with the declarations")
struct MetricDeclarationTests {
    static func declared(_ target: MetricFamily.Target) -> [String] {
        MetricCatalogue.standard.families.filter { $0.target == target }.flatMap { MetricCatalogue.standard.metrics(of: $0) }
    }

    /// The names a CHECK (metric IN (...)) constraint of `table` allows.
    static func checkList(_ table: String, on connection: Connection) throws -> Set<String> {
        let definition: String = try connection.query("""
            SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
            WHERE conrelid = \(table)::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%metric%'
            """).rows[0].decode("def")
        let names = try NSRegularExpression(pattern: "'([a-z_]+)'::text")
            .matches(in: definition, range: NSRange(definition.startIndex..., in: definition))
            .map { String(definition[Range($0.range(at: 1), in: definition)!]) }
        return Set(names)
    }

    @Test("the catalogue names exactly the metrics of the metric and stage families; no metric is declared twice")
    func catalogueMatchesDeclarations() throws {
        let connection = try SharedDatabase.connect()
        let catalogue = Set(try connection.query("SELECT name FROM salesops.metrics").rows.map { try $0.decode("name", as: String.self) })
        let metrics = Self.declared(.metrics), stages = Self.declared(.stages)
        #expect(Set(metrics).count == metrics.count, "a metric is declared by two families")
        #expect(catalogue == Set(metrics + stages),
                "only in the catalogue: \(catalogue.subtracting(metrics + stages).sorted()); only declared: \(Set(metrics + stages).subtracting(catalogue).sorted())")
        #expect(MetricCatalogue.standard.materializedMetrics == metrics)
    }

    @Test("each catalogue row's aggregation and lower-is-better are its spec's; every spec names a family that writes its table")
    func catalogueRowsMatchSpecs() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("SELECT name, aggregation, lower_is_better FROM salesops.metrics ORDER BY name").rows
        #expect(rows.count > 60)
        let catalogue = MetricCatalogue.standard
        for row in rows {
            let name: String = try row.decode("name")
            let spec = try #require(catalogue.spec(name), "no spec for catalogue metric \(name)")
            #expect(spec.aggregation.rawValue == (try row.decode("aggregation", as: String.self)), "\(name): aggregation")
            #expect(spec.lowerIsBetter == (try row.decode("lower_is_better", as: Bool.self)), "\(name): lower_is_better")
            #expect(!spec.definition.isEmpty, "\(name): no definition")
        }
        for spec in catalogue.specs {
            let family = catalogue.families.first { $0.name == spec.family }
            #expect(family?.target == spec.target, "\(spec.metric): family '\(spec.family)' does not write its table")
            #expect(catalogue.specs.filter { $0.metric == spec.metric && $0.target == spec.target && $0.dimensions.keys.sorted() == spec.dimensions.keys.sorted() }.count == 1,
                    "\(spec.metric) is specified twice")
        }
        let cards = catalogue.overviewCards
        #expect(cards.first == "revenue" && Set(cards).count == cards.count)
        #expect(catalogue.specs.compactMap(\.overviewCard).sorted() == Array(1...cards.count), "overview card positions are 1...n without gaps")
    }

    @Test("every family's statement file is in the build, and every statement file of the build is a family's")
    func statementFilesMatchFamilies() throws {
        let files = try FamilyStatements.names()
        let named = MetricCatalogue.standard.families.compactMap(\.statement)
        #expect(named.count == MetricCatalogue.standard.families.count, "every product family reads its statement from a file")
        #expect(files == named.sorted())
        for name in named {
            let text = try FamilyStatements.text(name)
            #expect(text.contains("INSERT INTO kpi_new"), "\(name).sql inserts into a new-fact table")
        }
    }

    @Test("the stage fact table's CHECK list and the breakdown series name exactly their families' metrics")
    func checkListsMatchDeclarations() throws {
        let connection = try SharedDatabase.connect()
        #expect(try Self.checkList("kpi.stage_facts", on: connection) == Set(Self.declared(.stages)))
        let series: [String] = try connection.query("SELECT DISTINCT metric FROM kpi.breakdown_series").rows.map { try $0.decode("metric") }
        #expect(Set(series) == Set(Self.declared(.breakdowns)))
    }

    @Test("materializing a seeded org, each family writes exactly the metrics it declares")
    func familiesWriteWhatTheyDeclare() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection, timezone: "Europe/Berlin", fiscalYearStartMonth: 4)
        for (kind, csv) in DemoDataGenerator(reps: 12, days: 400, lastDay: LocalDate("2026-11-20")!, seed: 11).generate() {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("declared-\(UUID().uuidString).csv")
            try Data(csv.utf8).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: try FileHandle(forReadingFrom: url), fileName: url.path)
        }
        // One leaver inside the window, so every sales-team metric has something to count.
        try connection.withTenant(org.id) { session in
            let rep = try #require(try RepRepository(session: session).list().first { $0.leftOn == nil })
            _ = try RepRepository(session: session).leave(externalID: rep.externalID, on: LocalDate("2026-09-15")!)
        }
        let tables: [MetricFamily.Target: String] = [.metrics: "kpi_new_facts", .stages: "kpi_new_stage_facts", .breakdowns: "kpi_new_breakdown_facts"]
        let written = WrittenMetrics()
        var materializer = KPIMaterializer(connection: connection)
        materializer.afterFamily = { name in
            let family = try #require(MetricCatalogue.standard.families.first { $0.name == name })
            let all = Set(try connection.query(Query(unescaped: "SELECT DISTINCT metric FROM \(tables[family.target]!)")).rows
                .map { try $0.decode("metric", as: String.self) })
            written.record(family: name, target: family.target, all: all)
        }
        _ = try materializer.materialize(org: org, from: LocalDate("2025-10-21")!, to: LocalDate("2026-11-20")!)
        for family in MetricCatalogue.standard.families {
            let wrote = written.byFamily[family.name] ?? []
            let declared = MetricCatalogue.standard.metrics(of: family)
            #expect(wrote == Set(declared),
                    "\(family.name): wrote but not declared \(wrote.subtracting(declared).sorted()); declared but not written \(Set(declared).subtracting(wrote).sorted())")
        }
        // Each metric's stored grain is its spec's: rows only at the scope and period kinds
        // the spec names, and (13 months of a 12-rep org) at every one of them — but for the
        // quota rate, whose rows follow the reps' targets (the generated org sets months only).
        let followsTargets: Set<String> = ["reps_at_quota_rate"]
        let grains = try connection.withTenant(org.id) { session in
            try session.connection.query("""
                SELECT metric, string_agg(DISTINCT scope_kind, ',') AS scopes, string_agg(DISTINCT period_kind, ',') AS kinds
                FROM kpi.metric_fact_rows WHERE org_id = \(org.id) GROUP BY metric
                """).rows.map { row in
                (try row.decode("metric", as: String.self),
                 Set(try row.decode("scopes", as: String.self).split(separator: ",").map(String.init)),
                 Set(try row.decode("kinds", as: String.self).split(separator: ",").map(String.init)))
            }
        }
        #expect(grains.count == MetricCatalogue.standard.materializedMetrics.count)
        for (metric, scopes, kinds) in grains {
            let spec = try #require(MetricCatalogue.standard.spec(metric))
            #expect(scopes == spec.scopes, "\(metric): rows at scopes \(scopes.sorted()), spec says \(spec.scopes.sorted())")
            if followsTargets.contains(metric) {
                #expect(kinds.isSubset(of: spec.periodKinds) && !kinds.isEmpty, "\(metric): rows at period kinds \(kinds.sorted())")
            } else {
                #expect(kinds == spec.periodKinds, "\(metric): rows at period kinds \(kinds.sorted()), spec says \(spec.periodKinds.sorted())")
            }
        }
    }
}

/// What each family added to its new-fact table (the table's metrics after it, minus before it).
final class WrittenMetrics: @unchecked Sendable {
    private(set) var byFamily: [String: Set<String>] = [:]
    private var seen: [MetricFamily.Target: Set<String>] = [:]

    func record(family: String, target: MetricFamily.Target, all: Set<String>) {
        self.byFamily[family] = all.subtracting(self.seen[target] ?? [])
        self.seen[target] = all
    }
}
