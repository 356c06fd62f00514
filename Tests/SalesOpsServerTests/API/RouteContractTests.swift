import Foundation
import PostgresClient
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
}
