import Foundation
import HTTPTypes
import PostgresClient
import Testing
import TestSupport

/// Driven by openapi.yaml: every operation it names is called with another org's tokens,
/// with parameters that name org B's entities (external ids are the same in both orgs,
/// since both hold the demo data), so a route added to the document is covered without
/// touching this test — it fails until the new parameter or body has a sample value.
@Suite("No token of one org reads or changes anything of another org, on any route of the document")
struct CrossTenantTests {
    static let parameterSamples: [String: [String]] = [
        "period": ["2026-11", "2026-11-20", "2026-Q4", "2026"],
        "from": ["2026-11-01"], "to": ["2026-11-20"],
        "scope": ["org", "team:dach", "rep:r-anna"],
        "metric": ["revenue"], "dimension": ["region"], "by": ["rep", "team"], "limit": ["500"], "offset": ["0"],
        "key": ["(none)"], "stage": ["New Business/Discovery"],
        "team": ["dach"], "external_id": ["dach", "r-anna"], "kind": ["teams", "reps", "targets"], "as_of": ["2026-11-20"],
        "period_kind": ["month"], "at_fraction": ["0.5"], "total": ["100000"],
    ]

    static let bodySamples: [String: String] = [
        "TargetInput": #"{"scope":"org","metric":"revenue","period":"2026-11","value":1}"#,
        "TeamInput": #"{"name":"Cross team","parent_external_id":"dach"}"#,
        "RepInput": #"{"name":"Cross Rep","email":"cross.rep@example.com","team_external_id":"dach","hired_on":"2026-01-01"}"#,
        "text/csv": "external_id,name\ncross-team,Cross\n",
        "QuotaPlanInput": #"{"period":"2027-01","total":100000}"#,
    ]

    /// Every combination of sample values of the operation's path and query parameters, an
    /// optional query parameter also left out (so parameters that exclude each other, such as
    /// explain's stage and dimension, are each tried alone).
    static func uris(for operation: OpenAPIDocument.Operation) throws -> [String] {
        var uris = [operation.path]
        for parameter in operation.parameters where parameter.location == "path" || parameter.location == "query" {
            let values = try #require(Self.parameterSamples[parameter.name],
                                      "add a sample for parameter '\(parameter.name)' of \(operation.method) \(operation.path)")
            uris = uris.flatMap { uri in
                values.map { value in
                    if parameter.location == "path" { return uri.replacingOccurrences(of: "{\(parameter.name)}", with: value) }
                    let encoded = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "/"])) ?? value
                    return uri + (uri.contains("?") ? "&" : "?") + parameter.name + "=" + encoded
                } + (parameter.location == "query" && !parameter.required ? [uri] : [])
            }
        }
        return uris
    }

    @Test("every operation, called with org W's admin and reader tokens on org B's ids, returns none of B's values and changes nothing of B",
          arguments: FixtureKind.allCases)
    func noRouteCrossesOrgs(_ kind: FixtureKind) async throws {
        let fixture = APIFixture.of(kind)
        if kind == .filtersAlone {
            let connection = try fixture.connect()
            defer { connection.close() }
            #expect(try APIFixture.tablesWithRowLevelSecurity(on: connection).isEmpty, "row-level security is off for this run")
        }
        try await Self.checkNoRouteCrossesOrgs(fixture)
    }

    /// Calls every `/v1/` operation of the document with org W's tokens on org B's ids:
    /// nothing of B in any response, nothing of B changed, no response a server error.
    static func checkNoRouteCrossesOrgs(_ fixture: APIFixture) async throws {
        let connection = try fixture.connect()
        defer { connection.close() }
        let before = try TenantCatalog.fingerprint(connection, orgID: fixture.orgB.id)
        #expect(before.count >= 16)
        var calls = 0
        for operation in try OpenAPIDocument.load().operations where operation.path.hasPrefix("/v1/") {
            let method = try #require(HTTPRequest.Method(operation.method.uppercased()))
            var body: String?
            if let (mediaType, schema) = operation.body {
                let sample: String = try #require(Self.bodySamples[schema ?? mediaType],
                                                  "add a body sample for \(operation.method) \(operation.path)")
                body = sample
            }
            for uri in try Self.uris(for: operation) {
                for token in [fixture.adminW, fixture.readerW] {
                    let response = try await fixture.request(method, uri, token: token, body: body)
                    calls += 1
                    #expect(response.status.code < 500, "\(operation.method) \(uri): \(response.status) \(response.body)")
                    #expect(!response.body.contains(APIFixture.markerOfB), "\(operation.method) \(uri) shows org B's names")
                    #expect(!response.body.contains(APIFixture.targetOfB), "\(operation.method) \(uri) shows org B's target")
                }
            }
        }
        #expect(calls > 60)
        let after = try TenantCatalog.fingerprint(connection, orgID: fixture.orgB.id)
        #expect(after == before, "changed: \(after.keys.filter { after[$0] != before[$0] }.sorted())")
    }

    @Test("org B's own reader does see its marked names (the check above can fail)", arguments: FixtureKind.allCases)
    func markersAreVisibleToTheirOwnOrg(_ kind: FixtureKind) async throws {
        let fixture = APIFixture.of(kind)
        let teams = try await fixture.request(.get, "/v1/teams", token: fixture.readerB)
        #expect(teams.body.contains(APIFixture.markerOfB))
        let kpis = try await fixture.request(.get, "/v1/kpis?period=2026-11&metric=revenue", token: fixture.readerB)
        #expect(kpis.body.contains(APIFixture.targetOfB))
    }
}
