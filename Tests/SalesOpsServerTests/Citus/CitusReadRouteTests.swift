import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresClient
@testable import SalesOps
import SalesOpsServer
import Testing
import TestSupport

/// The API over a Citus cluster, its server logged in as a product login that is not a
/// superuser (so the workers' policies apply to it): a token's org reaches the workers, and
/// another org's rows stay out of every answer.
@Suite("The API reads one org's rows on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusReadRouteTests {
    static func get(_ server: APIServer, _ uri: String, token: String) async throws -> (status: HTTPResponse.Status, body: String) {
        try await server.application().test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                (response.status, String(buffer: response.body))
            }
        }
    }

    @Test("each org's reader token lists its own teams and no other org's; a period not computed is a 404")
    func teamsAndKPIs() async throws {
        let database = try CitusTestCluster.database()
        let admin = try database.connect()
        defer { admin.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: admin) }
        let login = try CitusTestCluster.productLogin(on: database)

        let session = try database.connect(as: login)
        defer { session.close() }
        var tokens: [String: String] = [:]
        for slug in ["north", "south"] {
            let org = try session.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: slug, name: slug)) }
            try session.withTenant(org.id) { tenant in
                _ = try TeamRepository(session: tenant).create(externalID: "\(slug)-team", name: "\(slug) team", parentExternalID: nil)
            }
            tokens[slug] = try TokenRepository(connection: session).create(orgID: org.id, name: "reader", role: .reader, expiresInDays: nil).secret
        }

        let server = APIServer(connection: ConnectionConfiguration(conninfo: database.url(as: login)), configuration: APIConfiguration(),
                               logger: TestCluster.logger)
        for (slug, other) in [("north", "south"), ("south", "north")] {
            let teams = try await Self.get(server, "/v1/teams", token: tokens[slug]!)
            #expect(teams.status == .ok, "\(teams.body)")
            #expect(teams.body.contains("\"\(slug) team\""), "\(teams.body)")
            #expect(!teams.body.contains(other), "\(teams.body)")
            let kpis = try await Self.get(server, "/v1/kpis?period=2026-11", token: tokens[slug]!)
            #expect(kpis.status == .notFound, "\(kpis.body)")
            #expect(kpis.body.contains("has not been computed yet"), "\(kpis.body)")
        }
    }
}
