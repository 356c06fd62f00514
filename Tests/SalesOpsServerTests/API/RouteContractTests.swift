import Foundation
import PostgresClient
import SalesOps
import SalesOpsServer
import Testing
import TestSupport

@Suite("openapi.yaml is the contract: every served route is in it and every route in it is served")
struct RouteContractTests {
    @Test("the served routes and the document's operations are the same set")
    func servedRoutesMatchTheDocument() throws {
        let document = try OpenAPIDocument.load()
        #expect(document.version == "3.1.0")
        let documented = Set(document.operations.map { RouteDescription(method: $0.method, path: $0.path) })
        let server = APIServer(connection: ConnectionConfiguration(conninfo: "host=/nonexistent"), configuration: .init(),
                               logger: TestCluster.logger)
        defer { server.executor.shutdown() }
        let served = Set(server.routes)
        #expect(served.count >= 19)
        #expect(served.subtracting(documented).isEmpty, "served but not in openapi.yaml: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "in openapi.yaml but not served: \(documented.subtracting(served).sorted())")
    }

    @Test("the README's route summary names exactly the document's operations")
    func readmeSummaryMatchesTheDocument() throws {
        let readme = try String(contentsOf: TestCluster.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### The HTTP API").dropFirst().first?
            .components(separatedBy: "\n- ").first)
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { String($0.split(separator: "|")[0]) }
        let named = try NSRegularExpression(pattern: "`(GET|PUT|POST|DELETE|PATCH) (/[^`?\\[ ]*)")
            .matches(in: rows.joined(separator: "\n"), range: NSRange(rows.joined(separator: "\n").startIndex..., in: rows.joined(separator: "\n")))
            .map { match -> String in
                let text = rows.joined(separator: "\n")
                return "\(text[Range(match.range(at: 1), in: text)!]) \(text[Range(match.range(at: 2), in: text)!])"
            }
        let documented = try OpenAPIDocument.load().operations.map { "\($0.method.uppercased()) \($0.path)" }
        #expect(named.count >= 10)
        #expect(Set(named) == Set(documented),
                "only in the README: \(Set(named).subtracting(documented).sorted()); only in the document: \(Set(documented).subtracting(named).sorted())")
    }

    @Test("every /v1 operation documents 401 and 503, and every write documents 403")
    func errorStatusesAreDocumented() throws {
        for operation in try OpenAPIDocument.load().operations where operation.path.hasPrefix("/v1/") {
            #expect(operation.statuses.isSuperset(of: ["401", "503"]), "\(operation.method) \(operation.path)")
            if operation.method != "get" {
                #expect(operation.statuses.contains("403"), "\(operation.method) \(operation.path)")
            }
        }
    }

    /// The values of an enum schema of `components.schemas`.
    static func enumeration(_ name: String, in document: OpenAPIDocument) -> [String] {
        let schemas = (document.root["components"] as? [String: Any])?["schemas"] as? [String: Any]
        return (schemas?[name] as? [String: Any])?["enum"] as? [String] ?? []
    }

    @Test("the document's metric, target-metric and dimension enums are the catalogue's, so it is as strict as the server")
    func enumsFollowTheCatalogue() throws {
        let document = try OpenAPIDocument.load()
        let catalogue = MetricCatalogue.standard
        #expect(Self.enumeration("MaterializedMetric", in: document) == catalogue.materializedMetrics)
        #expect(Self.enumeration("StageMetric", in: document) == catalogue.stageSpecs.map(\.metric))
        // Explain's branches: each (metric, dimension) pair a breakdown branch allows is one the
        // catalogue keeps, and every kept pair has a branch.
        var documented = Set<String>()
        for branch in document.objectParameterBranches(method: "get", path: "/v1/kpis/explain", name: "what") {
            let properties = branch["properties"] as? [String: Any] ?? [:]
            let metrics = (properties["metric"] as? [String: Any])?["enum"] as? [String] ?? []
            for dimension in (properties["dimension"] as? [String: Any])?["enum"] as? [String] ?? [] {
                documented.formUnion(metrics.map { "\($0) by \(dimension)" })
            }
        }
        let kept = Set(catalogue.breakdownSpecs.flatMap { spec in spec.dimensionNames.map { "\(spec.metric) by \($0)" } })
        #expect(documented == kept, "only documented: \(documented.subtracting(kept).sorted()); only kept: \(kept.subtracting(documented).sorted())")
        #expect(Set(Self.enumeration("BreakdownDimension", in: document)) == Set(catalogue.breakdownSpecs.flatMap(\.dimensionNames)))
        let connection = try SharedDatabase.connect()
        defer { connection.close() }
        let targetable = try connection.query("SELECT name FROM salesops.metrics ORDER BY name").rows.map { try $0.decode("name", as: String.self) }
        #expect(Self.enumeration("TargetMetric", in: document) == targetable)
    }
}
