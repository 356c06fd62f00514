import Foundation
import HTTPTypes
import PostgresClient
@testable import SalesOps
import SalesOpsServer
import Testing
import TestSupport

/// KPI reads are validated by the org's read version: a matching `If-None-Match` is answered
/// without the read, and every change a read reflects gives the next answer a new tag.
@Suite("KPI read validators come from the org's read version")
struct ReadValidatorTests {
    let fixture = APIFixture.shared

    @Test("a matching If-None-Match is answered 304 without the read: a read would now answer 404")
    func notModifiedWithoutTheRead() async throws {
        let (org, reader, _) = try self.fixture.makeOwnOrg()
        let uri = "/v1/kpis?period=2026-11&scope=team:dach"
        let first = try await self.fixture.request(.get, uri, token: reader)
        #expect(first.status == .ok)
        let tag = try #require(first.headers[.eTag])
        #expect(tag.hasPrefix("\"r"), "the tag names the read version: \(tag)")
        // Unmaterialize the month behind the version's back (triggers off): only a read would see it.
        let connection = try self.fixture.connect()
        defer { connection.close() }
        try connection.withTransaction { connection in
            try connection.execute("SET LOCAL session_replication_role = replica")
            try connection.execute("""
                DELETE FROM kpi.materialized_periods WHERE org_id = \(org.id) AND period_kind = 'month' AND period_start = '2026-11-01'
                """)
        }
        let again = try await self.fixture.request(.get, uri, token: reader, headers: [.ifNoneMatch: "W/" + tag])
        #expect(again.status == .notModified, "\(again.status): the read ran")
        #expect(again.headers[.eTag] == tag)
        let unconditional = try await self.fixture.request(.get, uri, token: reader)
        #expect(unconditional.status == .notFound, "the read itself answers 404 now")
    }

    @Test("setting a target, a materialization and renaming a team each give the same request a new tag")
    func changesRaiseTheVersion() async throws {
        let (org, reader, admin) = try self.fixture.makeOwnOrg()
        let uri = "/v1/kpis?period=2026-11&metric=revenue"
        func tag() async throws -> String {
            let response = try await self.fixture.request(.get, uri, token: reader)
            #expect(response.status == .ok, "\(response.body)")
            return try #require(response.headers[.eTag])
        }
        let before = try await tag()
        #expect(try await tag() == before, "an unchanged org answers the same tag")
        let target = #"{"scope":"org","metric":"revenue","period":"2026-11","value":424242}"#
        #expect(try await self.fixture.request(.put, "/v1/targets", token: admin, body: target).status == .ok)
        let afterTarget = try await tag()
        #expect(afterTarget != before)
        let stale = try await self.fixture.request(.get, uri, token: reader, headers: [.ifNoneMatch: before])
        #expect(stale.status == .ok && stale.body.contains("424242"), "an old tag gets the new body")

        let connection = try self.fixture.connect()
        defer { connection.close() }
        _ = try KPIMaterializer(connection: connection)
            .materialize(org: org, from: LocalDate("2026-11-20")!, to: LocalDate("2026-11-20")!)
        let afterRun = try await tag()
        #expect(afterRun != afterTarget)

        try connection.withTenant(org.id) { session in
            try session.connection.execute("UPDATE salesops.teams SET name = name || ' (EMEA)' WHERE org_id = \(session.orgID) AND external_id = 'dach'")
        }
        #expect(try await tag() != afterRun)
    }

    @Test("other requests and other orgs have other tags; a revoked token gets 401 whatever tag it sends")
    func tagsArePerRequest() async throws {
        let november = try await self.fixture.request(.get, "/v1/kpis?period=2026-11", token: self.fixture.readerA)
        let october = try await self.fixture.request(.get, "/v1/kpis?period=2026-11&scope=org", token: self.fixture.readerA)
        #expect(november.headers[.eTag] != nil && november.headers[.eTag] != october.headers[.eTag])
        let tag = try #require(november.headers[.eTag])
        let other = try await self.fixture.request(.get, "/v1/kpis?period=2026-11", token: self.fixture.readerB, headers: [.ifNoneMatch: tag])
        #expect(other.status == .ok, "org B's answer is not org A's")
        let revoked = try await self.fixture.request(.get, "/v1/kpis?period=2026-11", token: self.fixture.revokedA, headers: [.ifNoneMatch: tag])
        #expect(revoked.status == .unauthorized)
    }
}
