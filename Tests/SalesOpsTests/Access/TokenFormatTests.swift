import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("API tokens: random, shaped, hashed, compared in constant time")
struct TokenFormatTests {
    @Test("generated tokens have the documented shape, their own lookup key, and do not repeat")
    func generation() {
        var seen = Set<String>()
        for _ in 0..<1000 {
            let (token, key) = TokenFormat.generate()
            #expect(token.range(of: "^sot_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", options: .regularExpression) != nil)
            #expect(TokenFormat.lookupKey(of: token) == key)
            seen.insert(token)
        }
        #expect(seen.count == 1000)
    }

    @Test("malformed tokens have no lookup key", arguments: [
        "", "sot_", "sot_0123456789abcdef", "sot_0123456789ABCDEF_x", "xot_0123456789abcdef_x", "sot_0123456789abcde_xy",
        "sot_0123456789abcdef_" + String(repeating: "a", count: 200),
    ])
    func malformed(token: String) {
        #expect(TokenFormat.lookupKey(of: token) == nil)
    }

    @Test("the comparison is equality, whatever position differs")
    func comparison() {
        let hash = TokenFormat.sha256Hex("sot_0123456789abcdef_secret")
        #expect(TokenFormat.constantTimeEquals(hash, hash))
        for index in [0, 31, 63] {
            var bytes = Array(hash.utf8)
            bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            #expect(!TokenFormat.constantTimeEquals(hash, String(decoding: bytes, as: UTF8.self)))
        }
        #expect(!TokenFormat.constantTimeEquals(hash, String(hash.dropLast())))
    }

    @Test("check: valid, wrong secret, expired and revoked, through the application role with no org set")
    func check() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let tokens = TokenRepository(connection: connection)
        let issued = try tokens.create(orgID: org.id, name: "t", role: .admin, expiresInDays: 1)
        let verdict = try connection.withApplicationRole { try TokenRepository(connection: $0).check(issued.secret) }
        #expect(verdict == .valid(orgID: org.id, role: .admin, tokenID: issued.token.id))
        let wrong = String(issued.secret.dropLast()) + (issued.secret.hasSuffix("A") ? "B" : "A")
        #expect(try connection.withApplicationRole { try TokenRepository(connection: $0).check(wrong) } == .invalid)
        try connection.execute("""
            UPDATE salesops_meta.api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day'
            WHERE id = \(issued.token.id)
            """)
        #expect(try connection.withApplicationRole { try TokenRepository(connection: $0).check(issued.secret) } == .expired)
        _ = try tokens.revoke(orgID: org.id, id: issued.token.id)
        #expect(try connection.withApplicationRole { try TokenRepository(connection: $0).check(issued.secret) } == .revoked)
    }
}
