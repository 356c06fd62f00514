import Foundation
import HTTPTypes
import Testing
import TestSupport

@Suite("Tokens decide who a request is: missing, unknown, expired and revoked tokens get 401, readers get 403 on writes")
struct AuthenticationTests {
    let fixture = APIFixture.shared

    @Test("no token, a malformed header, an unknown or wrong secret: 401 problem+json naming what to send")
    func missingOrBadTokens() async throws {
        let forged = String(self.fixture.readerA.dropLast(4)) + "AAAA"
        for (token, header) in [(nil, nil), (nil, "Basic dXNlcjpwYXNz"), ("sot_0000000000000000_nope", nil), (forged, nil),
                                ("", nil), (String(repeating: "x", count: 5000), nil)] as [(String?, String?)] {
            var headers: HTTPFields = [:]
            if let header { headers[.authorization] = header }
            let response = try await self.fixture.request(.get, "/v1/kpis?period=2026-11", token: token, headers: headers)
            #expect(response.status == .unauthorized, "token \(token?.prefix(12) ?? "none")")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.object["status"] as? Int == 401)
            #expect((response.object["detail"] as? String)?.isEmpty == false)
        }
    }

    @Test("expired and revoked tokens are refused with 401 that says why")
    func expiredAndRevoked() async throws {
        let expired = try await self.fixture.request(.get, "/v1/org", token: self.fixture.expiredA)
        #expect(expired.status == .unauthorized)
        #expect((expired.object["detail"] as? String)?.contains("expired") == true)
        let revoked = try await self.fixture.request(.get, "/v1/org", token: self.fixture.revokedA)
        #expect(revoked.status == .unauthorized)
        #expect((revoked.object["detail"] as? String)?.contains("revoked") == true)
    }

    @Test("a reader token gets 403 on every write route, and nothing is written")
    func readersCannotWrite() async throws {
        let connection = try self.fixture.connect()
        defer { connection.close() }
        let before: Int = try connection.query("SELECT count(*) AS n FROM salesops.teams WHERE org_id = \(self.fixture.orgA.id)").rows[0].decode("n")
        let writes: [(HTTPRequest.Method, String, String?)] = [
            (.put, "/v1/targets", #"{"scope":"org","metric":"revenue","period":"2026-12","value":1}"#),
            (.delete, "/v1/targets?scope=org&metric=revenue&period=2026-11", nil),
            (.put, "/v1/teams/new-team", #"{"name":"New"}"#),
            (.put, "/v1/reps/new-rep", #"{"name":"New","email":"new@example.com","hired_on":"2026-01-01"}"#),
            (.post, "/v1/imports/teams", "external_id,name\nx-team,X\n"),
        ]
        for (method, uri, body) in writes {
            let response = try await self.fixture.request(method, uri, token: self.fixture.readerA, body: body)
            #expect(response.status == .forbidden, "\(method) \(uri)")
            #expect(response.headers[.contentType] == "application/problem+json")
        }
        let after: Int = try connection.query("SELECT count(*) AS n FROM salesops.teams WHERE org_id = \(self.fixture.orgA.id)").rows[0].decode("n")
        #expect(after == before)
    }

    @Test("every response carries X-Request-Id: the client's when well formed, a new one otherwise, errors included")
    func requestIDs() async throws {
        let name = HTTPField.Name("X-Request-Id")!
        let echoed = try await self.fixture.request(.get, "/healthz", token: nil, headers: [name: "trace-42.a_b"])
        #expect(echoed.headers[name] == "trace-42.a_b")
        let replaced = try await self.fixture.request(.get, "/v1/org", token: nil, headers: [name: "bad id\u{7}"])
        let generated = try #require(replaced.headers[name])
        #expect(generated != "bad id\u{7}" && generated.count == 36)
        #expect(replaced.object["request_id"] as? String == generated)
        let missing = try await self.fixture.request(.get, "/no/such/route", token: nil)
        #expect(missing.status == .notFound)
        #expect(missing.headers[name] != nil)
        #expect(missing.headers[.contentType] == "application/problem+json")
    }
}

/// Driven by openapi.yaml, so a new route is checked without touching this test.
@Suite("Every /v1 operation of the document: no token 401, reader on a write 403, an oversized JSON body 413")
struct DocumentedErrorTests {
    let fixture = APIFixture.shared

    @Test("each operation answers these statuses as problem+json, and documents them")
    func everyOperation() async throws {
        var checked = 0
        for operation in try OpenAPIDocument.load().operations where operation.path.hasPrefix("/v1/") {
            let method = try #require(HTTPRequest.Method(operation.method.uppercased()))
            let uri = try #require(try CrossTenantTests.uris(for: operation).first)
            let body = operation.body.flatMap { CrossTenantTests.bodySamples[$0.schema ?? $0.mediaType] }
            let anonymous = try await self.fixture.request(method, uri, token: nil, body: body)
            #expect(anonymous.status == .unauthorized, "\(operation.method) \(uri)")
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(operation.statuses.contains("401"))
            if operation.method != "get" {
                let reader = try await self.fixture.request(method, uri, token: self.fixture.readerW, body: body)
                #expect(reader.status == .forbidden, "\(operation.method) \(uri)")
                #expect(operation.statuses.contains("403"))
            }
            if operation.body?.mediaType == "application/json" {
                let huge = "{\"name\":\"" + String(repeating: "x", count: 100_000) + "\"}"
                let tooLarge = try await self.fixture.request(method, uri, token: self.fixture.adminW, body: huge)
                #expect(tooLarge.status == .contentTooLarge, "\(operation.method) \(uri)")
                #expect(operation.statuses.contains("413"))
            }
            checked += 1
        }
        #expect(checked >= 16)
    }
}
