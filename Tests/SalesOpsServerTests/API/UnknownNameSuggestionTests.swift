import Foundation
import HTTPTypes
import Testing
import TestSupport

/// Suggestions for an unknown team or rep come from the asking org's own names only, and
/// no input makes them costly or leaky.
@Suite("Unknown names suggest only the org's own names")
struct UnknownNameSuggestionTests {
    let fixture = APIFixture.shared

    @Test("another org's team is never suggested; the org itself gets its own team suggested")
    func ownNamesOnly() async throws {
        let (_, readerW, _) = try self.fixture.makeOwnOrg()
        let (_, readerB, adminB) = try self.fixture.makeOwnOrg()
        let created = try await self.fixture.request(.put, "/v1/teams/zz-only-in-b-team", token: adminB,
                                                     body: #"{"name":"B's hidden team"}"#)
        #expect(created.status == .created, "\(created.body)")
        let typo = "/v1/kpis?period=2026-11&scope=team:zz-only-in-b-tean"
        let asB = try await self.fixture.request(.get, typo, token: readerB)
        #expect(asB.status == .notFound && asB.body.contains("did you mean 'zz-only-in-b-team'?"), "\(asB.body)")
        let asW = try await self.fixture.request(.get, typo, token: readerW)
        #expect(asW.status == .notFound, "\(asW.body)")
        #expect(!asW.body.contains("zz-only-in-b-team") && !asW.body.contains("did you mean"), "\(asW.body)")
    }

    @Test("long, control-laden and near-limit names are refused plainly, without suggestions", arguments: [
        "/v1/kpis?period=2026-11&scope=team:" + String(repeating: "d", count: 190),
        "/v1/kpis?period=2026-11&scope=rep:" + String(repeating: "r-anna", count: 30),
        "/v1/kpis?period=2026-11&metric=" + String(repeating: "revenue", count: 28),
        "/v1/leaderboard?period=2026-11&metric=" + String(repeating: "win_rate", count: 24),
    ])
    func hostileNames(uri: String) async throws {
        let response = try await self.fixture.request(.get, uri, token: self.fixture.readerA)
        #expect([.badRequest, .notFound].contains(response.status), "\(uri): \(response.status) \(response.body)")
        #expect(!response.body.contains("did you mean"), "\(uri): \(response.body)")
    }
}
