import Crypto
import Foundation

/// What a token may do: readers read an org's data, admins also write it (SPEC §9).
public enum TokenRole: String, Sendable, Codable, CaseIterable {
    case reader, admin
}

/// A stored API token, without its secret.
public struct APIToken: Sendable, Codable, Equatable {
    /// The token's id within its org (`salesctl token revoke` takes it).
    public var id: Int64
    public var orgID: Int64
    /// A name to recognise the token by.
    public var name: String
    public var role: TokenRole
    public var createdAt: Date
    /// When it stops working; nil never.
    public var expiresAt: Date?
    /// When a request last presented it (refreshed at most once a minute).
    public var lastUsedAt: Date?
    /// When it was revoked; a revoked token is refused.
    public var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case orgID = "org_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// A newly created token: the secret is shown once and never stored.
public struct IssuedToken: Sendable {
    /// The whole bearer token, `sot_<lookup key>_<secret>`.
    public var secret: String
    /// The stored record.
    public var token: APIToken
}

/// The token format: `sot_` + a public lookup key (16 hex digits, to find the row) + `_` +
/// 256 random bits (base64url). Only the SHA-256 of the whole token is stored.
enum TokenFormat {
    static let prefix = "sot_"
    /// Longest token accepted from a request; anything longer is refused unread.
    static let maximumLength = 128

    static func generate() -> (token: String, lookupKey: String) {
        let lookupKey = HexText.encode(self.randomBytes(8))
        return (prefix + lookupKey + "_" + self.base64URL(Data(self.randomBytes(32))), lookupKey)
    }

    /// `count` bytes from the system's secure random source.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Base64url without padding (RFC 4648 §5).
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The lookup key of a presented token, or nil when it does not have the token's shape.
    static func lookupKey(of token: String) -> String? {
        guard token.utf8.count <= maximumLength, token.hasPrefix(prefix) else { return nil }
        let rest = token.utf8.dropFirst(prefix.utf8.count)
        guard rest.count > 17, rest[rest.index(rest.startIndex, offsetBy: 16)] == UInt8(ascii: "_") else { return nil }
        let key = rest.prefix(16)
        guard key.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) })
        else { return nil }
        return String(decoding: key, as: UTF8.self)
    }

    static func sha256Hex(_ token: String) -> String {
        HexText.encode(SHA256.hash(data: Data(token.utf8)))
    }

    /// Compares two strings in time that depends on their lengths only, never on where they
    /// first differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// The SHA-256 (hex) of a presented credential (an API token or a dashboard session secret):
/// what the server keeps in memory instead of the secret itself.
public enum CredentialFingerprint {
    public static func of(_ credential: String) -> String {
        TokenFormat.sha256Hex(credential)
    }
}
