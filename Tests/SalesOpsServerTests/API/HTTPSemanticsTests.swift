import Foundation
import HTTPTypes
import Testing
import TestSupport

/// HTTP's own rules, for every route of the document: HEAD, 405 with Allow, duplicate JSON
/// keys, framing.
@Suite("The API follows HTTP's rules on every route of the document")
struct HTTPSemanticsTests {
    let fixture = APIFixture.shared

    /// A concrete URI of a documented path.
    static func uri(_ path: String) -> String {
        path.replacingOccurrences(of: "{external_id}", with: "dach").replacingOccurrences(of: "{kind}", with: "deals")
    }

    @Test("HEAD on every GET route answers the GET's status and headers without a body")
    func headMirrorsGet() async throws {
        let document = try OpenAPIDocument.load()
        let gets = document.operations.filter { $0.method == "get" }
        #expect(gets.count >= 10)
        for operation in gets {
            let uri = Self.uri(operation.path) + (operation.path.hasPrefix("/v1/kpis") || operation.path.contains("metrics")
                || operation.path.contains("breakdowns") || operation.path.contains("leaderboard") ? "?period=2026-11" : "")
            let get = try await self.fixture.request(.get, uri, token: self.fixture.readerA)
            let head = try await self.fixture.request(.head, uri, token: self.fixture.readerA)
            #expect(head.status == get.status, "HEAD \(uri): \(head.status), GET \(get.status)")
            #expect(head.status != .notFound || get.status == .notFound, "HEAD \(uri)")
            #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(uri)")
            #expect(head.body.isEmpty, "HEAD \(uri) sent a body")
        }
    }

    @Test("a method a documented path does not serve is 405 with Allow naming the methods it does")
    func unservedMethodsAre405() async throws {
        let document = try OpenAPIDocument.load()
        let byPath = Dictionary(grouping: document.operations, by: \.path)
        for (path, operations) in byPath {
            let served = Set(operations.map { $0.method.uppercased() })
            for method in [HTTPRequest.Method.delete, .patch, .post, .put] where !served.contains(method.rawValue) {
                let response = try await self.fixture.request(method, Self.uri(path), token: self.fixture.adminA, body: "{}")
                #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.status)")
                let allow = Set((response.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(served.isSubset(of: allow) && !allow.contains(method.rawValue), "\(method) \(path): Allow \(allow)")
            }
        }
        let unknown = try await self.fixture.request(.get, "/v1/no-such-route", token: self.fixture.readerA)
        #expect(unknown.status == .notFound)
    }

    @Test("a JSON body naming a field twice is 400 naming the field, and writes nothing")
    func duplicateKeysAreRefused() async throws {
        let body = #"{"scope":"org","metric":"revenue","period":"2027-02","value":1,"value":1000000}"#
        let response = try await self.fixture.request(.put, "/v1/targets", token: self.fixture.adminW, body: body)
        #expect(response.status == .badRequest, "\(response.body)")
        #expect(response.body.contains("'value' twice"))
        let escaped = #"{"name":"A","n\u0061me":"B"}"#
        let team = try await self.fixture.request(.put, "/v1/teams/dup-keys", token: self.fixture.adminW, body: escaped)
        #expect(team.status == .badRequest, "\(team.body)")
        let nested = #"{"name":"A","parent_external_id":null}"#
        let fine = try await self.fixture.request(.put, "/v1/teams/dup-keys-ok", token: self.fixture.adminW, body: nested)
        #expect(fine.status == .created, "\(fine.body)")
    }

    @Test("an unknown breakdown dimension is 400 listing the dimensions")
    func unknownDimensionIs400() async throws {
        let response = try await self.fixture.request(.get, "/v1/breakdowns?period=2026-11&dimension=planet", token: self.fixture.readerA)
        #expect(response.status == .badRequest)
        #expect(response.body.contains("planet") && response.body.contains("region"))
        let known = try await self.fixture.request(.get, "/v1/breakdowns?period=2026-11&dimension=region", token: self.fixture.readerA)
        #expect(known.status == .ok, "\(known.body)")
    }

    @Test("every response, API, dashboard and errors alike, forbids framing and sniffing")
    func framingIsForbidden() async throws {
        for (uri, token) in [("/v1/org", self.fixture.readerA), ("/v1/org", nil), ("/dashboard", nil), ("/healthz", nil), ("/nowhere", nil)] {
            let response = try await self.fixture.request(.get, uri, token: token)
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(uri)")
            #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
        }
    }
}
