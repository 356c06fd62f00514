import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("salesctl token and org grant-reader: secrets shown once, stored hashed, refused once revoked")
struct TokenCommandTests {
    static func database() throws -> TestDatabase {
        let database = try TestDatabase.migrated()
        let created = try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        return database
    }

    @Test("token create prints the token alone; only its SHA-256 is stored; list never shows it; revoke marks it")
    func createListRevoke() throws {
        let database = try Self.database()
        let created = try SalesCTLProcess.run(["token", "create", "--org", "acme", "--role", "reader", "--name", "bi tool",
                                               "--expires-in", "30"], database: database)
        #expect(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .newlines)
        #expect(created.stdout == token + "\n")
        #expect(token.range(of: "^sot_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", options: .regularExpression) != nil, "\(token)")
        let connection = try database.connect()
        defer { connection.close() }
        let stored = try connection.query("SELECT row_to_json(t)::text AS row FROM salesops_meta.api_tokens t").rows[0].decode("row", as: String.self)
        #expect(!stored.contains(String(token.suffix(43))))
        let hash: String = try connection.query("SELECT secret_sha256 FROM salesops_meta.api_tokens").rows[0].decode("secret_sha256")
        let expected: String = try connection.query("SELECT encode(sha256(convert_to(\(token), 'UTF8')), 'hex') AS h").rows[0].decode("h")
        #expect(hash == expected)
        let listed = try SalesCTLProcess.run(["token", "list", "--org", "acme", "--json"], database: database)
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("\"bi tool\"") && listed.stdout.contains("\"expires_at\""))
        #expect(!listed.stdout.contains(String(token.suffix(43))))
        let revoked = try SalesCTLProcess.run(["token", "revoke", "--org", "acme", "1"], database: database)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let revokedAt: Date? = try connection.query("SELECT revoked_at FROM salesops_meta.api_tokens").rows[0].decode("revoked_at")
        #expect(revokedAt != nil)
        let missing = try SalesCTLProcess.run(["token", "revoke", "--org", "acme", "99"], database: database)
        #expect(missing.status == 65)
    }

    @Test("bad token arguments exit 64", arguments: [
        ["token", "create", "--org", "acme", "--role", "owner", "--name", "x"],
        ["token", "create", "--org", "acme", "--role", "reader", "--name", " "],
        ["token", "create", "--org", "acme", "--role", "reader", "--name", "x", "--expires-in", "0"],
        ["org", "grant-reader", "acme", "--role", "Bad-Name"],
        ["org", "grant-reader", "acme", "--role", "salesops_app"],
        ["org", "grant-reader", "acme", "--role", "bi", "--connection-limit", "0"],
        ["serve", "--port", "70000"], ["serve", "--db-threads", "0"], ["serve", "--queue-wait-ms", "0"],
        ["serve", "--max-import-mib", "999999"], ["serve", "--statement-timeout-seconds", "0"],
        ["serve", "--org-threads", "9"], ["serve", "--org-rate", "0"], ["serve", "--metrics-port", "70000"],
        ["serve", "--max-connections-per-client", "3000"], ["serve", "--request-head-timeout-seconds", "0"],
        ["migrate", "--lock-wait-seconds", "0"],
    ])
    func usageErrors(arguments: [String]) throws {
        let outcome = try SalesCTLProcess.run(arguments)
        #expect(outcome.status == 64, "\(arguments): \(outcome.stderr)")
    }

    @Test("org grant-reader makes a login that reads its org's KPI views; revoke-reader removes it")
    func grantReaderCommand() throws {
        let database = try Self.database()
        let role = "bi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let passwordFile = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(role)")
        try Data("correct horse\n".utf8).write(to: passwordFile)
        defer { try? FileManager.default.removeItem(at: passwordFile) }
        let granted = try SalesCTLProcess.run(["org", "grant-reader", "acme", "--role", role, "--password-file", passwordFile.path],
                                              database: database)
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(granted.stdout.contains("created reader role \(role)"))
        let reader = try database.connect(as: role)
        let visible: Int = try reader.query("SELECT count(*) AS n FROM kpi.metric_values").rows[0].decode("n")
        #expect(visible == 0)
        #expect(throws: PostgresError.self) { try reader.query("SELECT email FROM salesops.reps") }
        reader.close()
        let revoked = try SalesCTLProcess.run(["org", "revoke-reader", "acme", "--role", role], database: database)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(throws: PostgresError.self) { try database.connect(as: role) }
        let again = try SalesCTLProcess.run(["org", "revoke-reader", "acme", "--role", role], database: database)
        #expect(again.status == 65)
    }

    @Test("an oversized or empty password file is refused as bad data, and no role is made")
    func badPasswordFiles() throws {
        let database = try Self.database()
        for contents in [String(repeating: "p", count: 10_000), "\nsecond line only\n"] {
            let role = "bi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(role)")
            try Data(contents.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try SalesCTLProcess.run(["org", "grant-reader", "acme", "--role", role, "--password-file", file.path],
                                                  database: database)
            #expect(outcome.status == 65, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("--password-file"))
            let connection = try database.connect()
            defer { connection.close() }
            #expect(try connection.query("SELECT count(*) AS n FROM pg_roles WHERE rolname = \(role)").rows[0].decode("n", as: Int.self) == 0)
        }
    }
}
