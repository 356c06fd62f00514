import Foundation
import HTTPTypes
import Testing
import TestSupport

/// Path parameters are percent-decoded once, like query parameters, so an id with a space, a
/// `/` or non-ASCII letters is addressed by its encoding and a PUT never creates a second
/// entity under the encoded spelling. Every path parameter of the document is covered.
@Suite("Path parameters are percent-decoded once, everywhere")
struct PathParameterTests {
    let fixture = APIFixture.shared

    /// Ids a client can only put in a path by percent-encoding them, with their encodings.
    static let ids: [(decoded: String, encoded: String)] = [
        ("new york", "new%20york"),
        ("emea/dach", "emea%2Fdach"),
        ("zürich-ß", "z%C3%BCrich-%C3%9F"),
    ]

    /// The body of a PUT for each path with an `{external_id}`.
    static func body(for path: String, unique: String) -> String? {
        switch path {
        case "/v1/teams/{external_id}": return #"{"name":"Team \#(unique)"}"#
        case "/v1/reps/{external_id}":
            return #"{"name":"Rep \#(unique)","email":"\#(unique)@example.com","hired_on":"2026-01-05"}"#
        default: return nil
        }
    }

    @Test("every PUT with an {external_id} stores the decoded id, finds it again under its encoding, and never makes a second entity")
    func externalIDsAreDecoded() async throws {
        let document = try OpenAPIDocument.load()
        let puts = document.operations.filter { $0.method == "put" && $0.path.contains("{external_id}") }
        #expect(puts.count == 2)
        for operation in puts {
            for (index, id) in Self.ids.enumerated() {
                let unique = "p\(index)-" + UUID().uuidString.prefix(8).lowercased()
                let decoded = id.decoded + "-" + unique, encoded = id.encoded + "-" + unique
                let body = try #require(Self.body(for: operation.path, unique: unique), "no body for \(operation.path)")
                let uri = operation.path.replacingOccurrences(of: "{external_id}", with: encoded)
                let first = try await self.fixture.request(.put, uri, token: self.fixture.adminW, body: body)
                #expect(first.status == .created, "\(uri): \(first.body)")
                #expect(first.object["external_id"] as? String == decoded, "\(uri): \(first.body)")
                let second = try await self.fixture.request(.put, uri, token: self.fixture.adminW, body: body)
                #expect(second.status == .ok, "\(uri) a second time: \(second.body)")
                let list = try await self.fixture.request(.get, operation.path.replacingOccurrences(of: "/{external_id}", with: ""),
                                                          token: self.fixture.adminW)
                let key = operation.path.contains("teams") ? "teams" : "reps"
                let ids = (list.object[key] as? [[String: Any]] ?? []).compactMap { $0["external_id"] as? String }
                #expect(ids.filter { $0.hasSuffix(unique) } == [decoded], "\(key): \(ids.filter { $0.hasSuffix(unique) })")
            }
        }
        // A rep's team given as a decoded id in the query finds the team made through its encoded path.
        let team = "new york-" + UUID().uuidString.prefix(8).lowercased()
        let made = try await self.fixture.request(.put, "/v1/teams/" + team.replacingOccurrences(of: " ", with: "%20"),
                                                  token: self.fixture.adminW, body: #"{"name":"NY"}"#)
        #expect(made.status == .created)
        let reps = try await self.fixture.request(.get, "/v1/reps?team=" + team.replacingOccurrences(of: " ", with: "%20"),
                                                  token: self.fixture.adminW)
        #expect(reps.status == .ok, "\(reps.body)")
    }

    @Test("a path parameter that is not valid percent-encoded UTF-8 is 400 naming it")
    func brokenEncodingIsRefused() async throws {
        let document = try OpenAPIDocument.load()
        let paths = Set(document.operations.map(\.path).filter { $0.contains("{") })
        #expect(paths == ["/v1/teams/{external_id}", "/v1/reps/{external_id}", "/v1/imports/{kind}"],
                "a new path parameter: add its ids to this suite")
        for path in paths.sorted() {
            let name = String(path.split(separator: "{")[1].dropLast())
            for broken in ["%ZZ", "%C3", "abc%"] {
                let uri = path.replacingOccurrences(of: "{\(name)}", with: broken)
                let method: HTTPRequest.Method = path.contains("imports") ? .post : .put
                let response = try await self.fixture.request(method, uri, token: self.fixture.adminW, body: "{}")
                #expect(response.status == .badRequest, "\(method) \(uri): \(response.status)")
                #expect(response.body.contains(name), "\(uri): \(response.body)")
            }
        }
    }
}
