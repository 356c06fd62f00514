import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresClient
@testable import SalesOps
import SalesOpsServer
import Testing
import TestSupport

/// Three orgs with the demo data and nights materialized through the scheduler, tokens of
/// every kind, and a server over them. Org A is only read; org W is the one tests write to
/// (so reads of A never race with writes); org B's team and rep names, e-mails and one
/// target carry distinctive markers that no response to another org may ever contain.
final class APIFixture: Sendable {
    let database: TestDatabase
    let orgA: Org
    let orgB: Org
    let orgW: Org
    let adminW: String
    let readerW: String
    let readerA: String
    let adminA: String
    let readerB: String
    let expiredA: String
    let revokedA: String
    let server: APIServer
    /// Text only org B's data holds.
    static let markerOfB = "zz-orgb-secret"
    /// A target value only org B has.
    static let targetOfB = "987654321"

    /// The fixture every API test shares (built once per process; tests that write do so in org A).
    static let shared: APIFixture = {
        do { return try APIFixture() } catch { fatalError("cannot build the API fixture: \(error)") }
    }()

    /// The same orgs, data and tokens on a database whose tenant tables have row-level security
    /// disabled: the org filters of the statements themselves are all that separates the orgs.
    static let withoutRowLevelSecurity: APIFixture = {
        do { return try APIFixture(rowLevelSecurity: false) } catch { fatalError("cannot build the API fixture: \(error)") }
    }()

    /// The same orgs, data and tokens on a Citus cluster, the server logged in as a product
    /// login (no superuser, under every policy) with `citus.multi_task_query_log_level = error`:
    /// a request whose statements reach more than one shard fails.
    static let onCitus: APIFixture = {
        do { return try APIFixture(citus: true) } catch { fatalError("cannot build the API fixture on the Citus cluster: \(error)") }
    }()

    /// The server's defaults, except the bounds on requests started and waiting: the whole
    /// suite's requests come from a few orgs (and unknown tokens share one bucket), faster and
    /// more at once than any one client would send them, on a machine the other suites (three
    /// Citus nodes among them) keep busy, where a thread can stay taken past the default wait.
    /// Those bounds have their own tests, on servers of their own (FairnessTests).
    static var behaviourConfiguration: APIConfiguration {
        var configuration = APIConfiguration()
        configuration.database.ratePerOwner = 100_000
        configuration.database.burstPerOwner = 200_000
        configuration.database.waitingPerOwner = 10_000
        configuration.database.maximumWaiting = 10_000
        configuration.database.maximumWait = .seconds(60)
        return configuration
    }

    /// The fixture a cross-tenant test runs on.
    static func of(_ kind: FixtureKind) -> APIFixture {
        switch kind {
        case .rowLevelSecurity: Self.shared
        case .filtersAlone: Self.withoutRowLevelSecurity
        }
    }

    /// - Parameters:
    ///   - rowLevelSecurity: false disables row-level security on every table that has it once
    ///     the data is in (the nights are materialized first, with it on).
    ///   - citus: build it on a database of the test Citus cluster (`onCitus`).
    init(configuration: APIConfiguration = APIFixture.behaviourConfiguration, rowLevelSecurity: Bool = true, citus: Bool = false) throws {
        self.database = try citus ? CitusTestCluster.database() : TestDatabase.migrated()
        if citus {
            let migrating = try self.database.connect()
            defer { migrating.close() }
            try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: migrating) }
        }
        // Opened after the layout: the database's settings apply from then on.
        let connection = try self.database.connect()
        defer { connection.close() }
        var product = self.database
        if citus {
            let login = try CitusTestCluster.productLogin(on: self.database)
            product = TestDatabase(name: self.database.name,
                                   url: self.database.url(as: login, options: "-c citus.multi_task_query_log_level=error"))
        }
        let orgA = try SharedDatabase.makeOrg(on: connection)
        let orgB = try SharedDatabase.makeOrg(on: connection)
        let orgW = try SharedDatabase.makeOrg(on: connection)
        for org in [orgA, orgB, orgW] {
            try Self.importDemo(into: org, on: connection)
        }
        // The org named in each statement: on a cluster this superuser's session is not limited
        // by row-level security (the product does not switch roles there).
        try connection.withOrg(orgB.id) { connection in
            try connection.execute("UPDATE salesops.teams SET name = \(Self.markerOfB) || ' ' || name WHERE org_id = \(orgB.id)")
            try connection.execute("""
                UPDATE salesops.reps SET name = \(Self.markerOfB) || ' ' || name, email = \(Self.markerOfB) || '-' || email
                WHERE org_id = \(orgB.id)
                """)
            try connection.execute("""
                UPDATE salesops.targets SET value = \(Self.targetOfB)::numeric
                WHERE org_id = \(orgB.id) AND scope_kind = 'org' AND metric = 'revenue' AND period = '2026-11'
                """)
        }
        try ScheduledNights.run(product, expected: 6)
        let tokens = TokenRepository(connection: connection)
        self.readerA = try tokens.create(orgID: orgA.id, name: "reader", role: .reader, expiresInDays: nil).secret
        self.adminA = try tokens.create(orgID: orgA.id, name: "admin", role: .admin, expiresInDays: 30).secret
        self.readerB = try tokens.create(orgID: orgB.id, name: "reader", role: .reader, expiresInDays: nil).secret
        self.adminW = try tokens.create(orgID: orgW.id, name: "admin", role: .admin, expiresInDays: nil).secret
        self.readerW = try tokens.create(orgID: orgW.id, name: "reader", role: .reader, expiresInDays: nil).secret
        let expired = try tokens.create(orgID: orgA.id, name: "expired", role: .admin, expiresInDays: 1)
        try connection.execute("""
            UPDATE salesops_meta.api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
            WHERE id = \(expired.token.id)
            """)
        self.expiredA = expired.secret
        let revoked = try tokens.create(orgID: orgA.id, name: "revoked", role: .admin, expiresInDays: nil)
        _ = try tokens.revoke(orgID: orgA.id, id: revoked.token.id)
        self.revokedA = revoked.secret
        if !rowLevelSecurity {
            try Self.disableRowLevelSecurity(on: connection)
        }
        self.orgA = orgA
        self.orgB = orgB
        self.orgW = orgW
        self.server = APIServer(connection: ConnectionConfiguration(conninfo: product.url), configuration: configuration,
                                logger: TestCluster.logger)
    }

    /// Tables whose rows row-level security guards (every such table of every schema).
    static func tablesWithRowLevelSecurity(on connection: Connection) throws -> [String] {
        try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity ORDER BY 1
            """).rows.map { try $0.decode("name", as: String.self) }
    }

    static func disableRowLevelSecurity(on connection: Connection) throws {
        let tables = try Self.tablesWithRowLevelSecurity(on: connection)
        precondition(tables.count >= 16, "expected the tenant tables to have row-level security: \(tables)")
        for table in tables {
            try connection.execute(Query(unescaped: "ALTER TABLE \(table) NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY"))
        }
    }

    /// Imports the demo files into `org`, created on the demo's last day.
    static func importDemo(into org: Org, on connection: Connection) throws {
        for kind in ImportKind.allCases {
            let file = TestCluster.repositoryRoot.appendingPathComponent("demo/\(kind.rawValue).csv").path
            _ = try Importer(connection: connection).run(kind, orgID: org.id, handle: FileHandle(forReadingAtPath: file)!,
                                                         fileName: file)
        }
        try connection.execute("UPDATE salesops.orgs SET created_at = '2026-11-20T12:00:00Z' WHERE id = \(org.id)")
    }

    /// An org of the calling test's own in the fixture's database — the demo data, 1–20
    /// November 2026 materialized, a reader and an admin token — for a test that needs an
    /// org no concurrent test changes.
    func makeOwnOrg() throws -> (org: Org, reader: String, admin: String) {
        let connection = try self.connect()
        defer { connection.close() }
        let org = try SharedDatabase.makeOrg(on: connection)
        try Self.importDemo(into: org, on: connection)
        _ = try KPIMaterializer(connection: connection).materialize(org: org, from: LocalDate("2026-11-01")!, to: LocalDate("2026-11-20")!)
        let tokens = TokenRepository(connection: connection)
        return (org, try tokens.create(orgID: org.id, name: "reader", role: .reader, expiresInDays: nil).secret,
                try tokens.create(orgID: org.id, name: "admin", role: .admin, expiresInDays: nil).secret)
    }

    /// A direct connection to the fixture's database (as the operator).
    func connect() throws -> Connection {
        try self.database.connect()
    }
}

/// Which guard a cross-tenant test runs under: both (the product) or the statements' org
/// filters alone (row-level security disabled).
enum FixtureKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case rowLevelSecurity = "org filters and row-level security"
    case filtersAlone = "org filters alone, row-level security disabled"

    var testDescription: String { self.rawValue }
}

/// A response read in full.
struct TestResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: String

    var json: Any? { try? JSONSerialization.jsonObject(with: Data(self.body.utf8)) }
    var object: [String: Any] { (self.json as? [String: Any]) ?? [:] }
}

extension APIFixture {
    /// Sends one request through the router in-process.
    func request(_ method: HTTPRequest.Method, _ uri: String, token: String?, headers: HTTPFields = [:],
                 body: String? = nil) async throws -> TestResponse {
        var allHeaders = headers
        if let token { allHeaders[.authorization] = "Bearer \(token)" }
        let headers = allHeaders
        let app = self.server.application()
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers,
                                     body: body.map { ByteBuffer(string: $0) }) { response in
                TestResponse(status: response.status, headers: response.headers, body: String(buffer: response.body))
            }
        }
    }
}
