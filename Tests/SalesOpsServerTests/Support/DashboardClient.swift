import Foundation
import HTTPTypes
import Testing

/// A browser-like client of the dashboard over the in-process router: it keeps the cookies
/// the server sets and fills in the CSRF tokens the pages carry.
struct DashboardClient {
    let fixture: APIFixture
    var cookies: [String: String] = [:]

    init(fixture: APIFixture) {
        self.fixture = fixture
    }

    /// Cookies as a `Cookie` header.
    var cookieHeader: HTTPFields {
        self.cookies.isEmpty ? [:] : [.cookie: self.cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")]
    }

    mutating func remember(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || field.value.contains("Max-Age=0") { self.cookies[name] = nil } else { self.cookies[name] = value }
        }
    }

    mutating func get(_ uri: String) async throws -> TestResponse {
        let response = try await self.fixture.request(.get, uri, token: nil, headers: self.cookieHeader)
        self.remember(response)
        return response
    }

    mutating func post(_ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers = self.cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        let response = try await self.fixture.request(.post, uri, token: nil, headers: headers, body: body)
        self.remember(response)
        return response
    }

    /// The value of a hidden `csrf` field of a page.
    static func csrf(in page: String) -> String? {
        guard let range = page.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(page[range]).components(separatedBy: "value=\"")[1].dropLast().description
    }

    /// Logs in with a token through the login form; returns the overview's response.
    mutating func logIn(_ token: String) async throws -> TestResponse {
        let form = try await self.get("/dashboard/login")
        let nonce = try #require(Self.csrf(in: form.body))
        let done = try await self.post("/dashboard/login", [("csrf", nonce), ("token", token)])
        #expect(done.status == .seeOther, "login: \(done.status) \(done.body)")
        return try await self.get("/dashboard/overview")
    }

    /// Every `/dashboard` link of a page (hrefs, HTML entities decoded).
    static func links(in page: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"href="(/dashboard[^"]*)""#)
        return pattern.matches(in: page, range: NSRange(page.startIndex..., in: page)).compactMap { match in
            Range(match.range(at: 1), in: page).map {
                String(page[$0]).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
                    .replacingOccurrences(of: "&quot;", with: "\"")
            }
        }
    }
}
