import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// A tenant holds its own SQL session (a BI reader role of org A, or a login someone
/// wrongly granted a product role) and tries every trick to reach org B. Relations, product
/// roles and functions are found from the catalog, so new ones are covered automatically.
@Suite("A tenant's own SQL session never reads, changes or stalls another org")
struct ReaderRoleIsolationTests {
    /// Two populated orgs and a reader role of org A.
    struct Fixture {
        let database: TestDatabase
        let admin: Connection
        let orgA: Org
        let orgB: Org
        let reader: String
    }

    static func fixture() throws -> Fixture {
        let (admin, orgA, orgB) = try TenantIsolationTests.twoPopulatedOrgs()
        let name: String = try admin.query("SELECT current_database() AS name").rows[0].decode("name")
        let database = TestDatabase(name: name, url: TestCluster.url(database: name))
        let reader = Self.uniqueRoleName()
        try ReaderRoles(connection: admin).grantReader(role: reader, orgID: orgA.id, password: nil)
        return Fixture(database: database, admin: admin, orgA: orgA, orgB: orgB, reader: reader)
    }

    static func uniqueRoleName() -> String {
        "bi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// Every table and view of a tenant schema with an `org_id` column.
    /// Every table of the product's bookkeeping schema that holds an org's rows (tokens,
    /// dashboard sessions, locks, reader bindings, ...), from the catalog.
    static func bookkeepingTables(_ connection: Connection) throws -> [String] {
        try connection.query("""
            SELECT DISTINCT format('%I.%I', c.table_schema, c.table_name) AS name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'salesops_meta' AND c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
            ORDER BY 1
            """).rows.map { try $0.decode("name", as: String.self) }
    }

    static func tenantRelations(_ connection: Connection) throws -> [String] {
        try TenantCatalog.relations(connection, includingViews: true)
    }

    /// The product's own roles (never handed out) and the owner of the product's schema.
    static func productRoles(_ connection: Connection) throws -> [String] {
        try connection.query("""
            SELECT rolname::text AS name FROM pg_roles WHERE rolname LIKE 'salesops\\_%'
            UNION SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'salesops'
            ORDER BY 1
            """).rows.map { try $0.decode("name") }
    }

    /// What the session does before it reads, and whether that step may itself be refused.
    struct Trick: CustomStringConvertible {
        var description: String
        var statements: [String]
        var connectOptions: String?
    }

    static func tricks(orgB: Org, productRoles: [String]) -> [Trick] {
        var tricks = [
            Trick(description: "nothing", statements: []),
            Trick(description: "SET", statements: ["SET salesops.org_id = '\(orgB.id)'"]),
            Trick(description: "SET LOCAL in a transaction", statements: ["BEGIN", "SET LOCAL salesops.org_id = '\(orgB.id)'"]),
            Trick(description: "set_config", statements: ["SELECT set_config('salesops.org_id', '\(orgB.id)', false)"]),
            Trick(description: "connection options", statements: [], connectOptions: "-c salesops.org_id=\(orgB.id)"),
            Trick(description: "RESET ALL after SET", statements: ["SET salesops.org_id = '\(orgB.id)'", "RESET ALL"]),
            Trick(description: "RESET ROLE", statements: ["SELECT set_config('salesops.org_id', '\(orgB.id)', false)", "RESET ROLE"]),
        ]
        for role in productRoles {
            tricks.append(Trick(description: "SET ROLE \(role)",
                                statements: ["SET salesops.org_id = '\(orgB.id)'", "SET ROLE \(role)"]))
        }
        return tricks
    }

    /// Runs the trick's statements; a refused one (no privilege) is fine and ends its transaction.
    static func play(_ trick: Trick, on connection: Connection) {
        for statement in trick.statements {
            do {
                try connection.execute(Query(unescaped: statement))
            } catch {
                if connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
            }
        }
    }

    /// Counts a relation's rows of an org as the session sees them; nil when it may not read it.
    static func count(_ relation: String, org: Org, on connection: Connection) throws -> Int? {
        do {
            if connection.isInTransaction { try connection.execute("SAVEPOINT probe") }
            let count = try connection.query(Query(unescaped: "SELECT count(*) AS n FROM \(relation) WHERE org_id = $1",
                                                   bindings: [.init(text: String(org.id), type: .int8)])).rows[0]
                .decode("n", as: Int.self)
            if connection.isInTransaction { try connection.execute("RELEASE SAVEPOINT probe") }
            return count
        } catch let error as PostgresError where error.sqlState == SQLState("42501") {
            if connection.isInTransaction { try connection.execute("ROLLBACK TO SAVEPOINT probe") }
            return nil
        }
    }

    @Test("with every trick, a reader of org A reads zero rows of org B from every tenant table and view, and still reads its own KPIs")
    func readerReadsNothingOfAnotherOrg() throws {
        let fixture = try Self.fixture()
        let relations = try Self.tenantRelations(fixture.admin)
        #expect(relations.count >= 18)
        #expect(relations.contains("kpi.metric_values") && relations.contains("kpi.target_attainment"))
        for trick in Self.tricks(orgB: fixture.orgB, productRoles: try Self.productRoles(fixture.admin)) {
            let connection = try fixture.database.connect(as: fixture.reader, options: trick.connectOptions)
            defer { connection.close() }
            Self.play(trick, on: connection)
            for relation in relations {
                let orgBRows = try Self.count(relation, org: fixture.orgB, on: connection)
                #expect(orgBRows == nil || orgBRows == 0, "trick '\(trick)': \(relation) shows \(orgBRows ?? 0) rows of org B")
            }
            for view in ["kpi.metric_values", "kpi.stage_metrics", "kpi.breakdowns", "kpi.target_attainment"] {
                let own = try Self.count(view, org: fixture.orgA, on: connection)
                #expect((own ?? 0) > 0, "trick '\(trick)': the reader cannot read its own org's \(view)")
            }
            let currentOrg: Int64? = try connection.query("SELECT salesops.current_org_id() AS org").rows[0].decode("org")
            #expect(currentOrg == fixture.orgA.id, "trick '\(trick)'")
            let registry: [String] = try connection.query("SELECT slug FROM salesops.orgs ORDER BY slug").rows.map { try $0.decode("slug") }
            #expect(registry == [fixture.orgA.slug], "trick '\(trick)': the reader sees other orgs in the registry")
        }
    }

    /// Every set-returning function of a tenant schema a reader may run whose first argument is
    /// an org id (`org bigint`), with a call for its other arguments (instants: the widest
    /// window; ids: null), from the catalog; nil for a function whose arguments it cannot fill.
    static func orgFunctions(_ connection: Connection) throws -> [(name: String, call: (Int64) -> String)] {
        try connection.query("""
            SELECT format('%I.%I', n.nspname, p.proname) AS name, p.oid::regprocedure::text AS signature,
                   (SELECT string_agg(format_type(t, NULL), ',' ORDER BY i) FROM unnest(p.proargtypes) WITH ORDINALITY AS a(t, i) WHERE i > 1) AS rest
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('salesops', 'kpi') AND p.proretset AND p.pronargs >= 1
              AND p.proargtypes[0] = 'bigint'::regtype AND (p.proargnames)[1] = 'org'
              AND has_function_privilege('salesops_reader', p.oid, 'EXECUTE')
            ORDER BY 2
            """).rows.compactMap { row throws -> (name: String, call: (Int64) -> String)? in
            let name: String = try row.decode("name"), signature: String = try row.decode("signature")
            let rest = (try row.decode("rest", as: String?.self) ?? "").split(separator: ",").map(String.init)
            var instants = ["'infinity'::timestamptz", "'-infinity'::timestamptz"].makeIterator()
            var arguments: [String] = []
            for type in rest {
                switch type {
                case "timestamp with time zone": arguments.append(instants.next() ?? "'-infinity'::timestamptz")
                case "bigint": arguments.append("NULL::bigint")
                default: return nil
                }
            }
            return (signature, { org in "SELECT count(*) AS n FROM \(name)(\(([String(org)] + arguments).joined(separator: ", ")))" })
        }
    }

    @Test("with every trick, a reader of org A gets no row of org B from any table function that takes an org id")
    func readerCallsNothingOfAnotherOrg() throws {
        let fixture = try Self.fixture()
        let functions = try Self.orgFunctions(fixture.admin)
        let names = functions.map(\.name)
        #expect(["kpi.deal_spells(bigint,timestamp with time zone)", "kpi.deal_spells(bigint,timestamp with time zone,timestamp with time zone)",
                 "kpi.deals_as_of(bigint,timestamp with time zone)"].allSatisfy(names.contains), "found: \(names)")
        // The same calls as the admin do return org B's rows: a zero below is the reader's.
        for function in functions where function.name.hasPrefix("kpi.deal") {
            let all: Int = try fixture.admin.query(Query(unescaped: function.call(fixture.orgB.id))).rows[0].decode("n")
            #expect(all > 0, "\(function.name) returns nothing of org B even to its owner")
        }
        for trick in Self.tricks(orgB: fixture.orgB, productRoles: try Self.productRoles(fixture.admin)) {
            let connection = try fixture.database.connect(as: fixture.reader, options: trick.connectOptions)
            defer { connection.close() }
            Self.play(trick, on: connection)
            if connection.isInTransaction { try connection.execute("ROLLBACK") }
            for function in functions {
                do {
                    let rows: Int = try connection.query(Query(unescaped: function.call(fixture.orgB.id))).rows[0].decode("n")
                    #expect(rows == 0, "trick '\(trick)': \(function.name) returns \(rows) rows of org B")
                } catch let error as PostgresError where error.sqlState == SQLState("42501") {
                    continue  // refused: the reader may not read what the function reads
                }
            }
        }
    }

    @Test("a reader of org A changes nothing: every write to every tenant table, the catalogue and the registry is refused")
    func readerWritesNothing() throws {
        let fixture = try Self.fixture()
        let before = try Self.fingerprint(fixture.admin, org: fixture.orgB)
        let connection = try fixture.database.connect(as: fixture.reader)
        defer { connection.close() }
        try connection.execute("SET salesops.org_id = '\(fixture.orgB.id)'")
        var refused = 0
        for relation in try Self.tenantRelations(fixture.admin) + ["salesops.metrics", "salesops.orgs"] {
            for statement in ["UPDATE \(relation) SET org_id = org_id", "DELETE FROM \(relation)",
                              "INSERT INTO \(relation) (org_id) VALUES (\(fixture.orgB.id))", "TRUNCATE \(relation)"] {
                let adjusted = relation == "salesops.metrics" || relation == "salesops.orgs"
                    ? statement.replacingOccurrences(of: "SET org_id = org_id", with: "SET name = name")
                        .replacingOccurrences(of: "(org_id) VALUES (\(fixture.orgB.id))", with: "(name) VALUES ('forged')")
                    : statement
                do {
                    let changed = try connection.execute(Query(unescaped: adjusted))
                    #expect(changed == 0, "\(adjusted) changed \(changed) rows")
                } catch let error as PostgresError {
                    // 42501: no privilege; 42809/55000: the relation is a view that cannot be written.
                    #expect([SQLState("42501"), SQLState("42809"), SQLState("55000")].contains(error.sqlState),
                            "\(adjusted) failed for another reason: \(error.message)")
                    refused += 1
                }
            }
        }
        #expect(refused > 60)
        #expect(try Self.fingerprint(fixture.admin, org: fixture.orgB) == before)
    }

    @Test("a login wrongly granted salesops_app or salesops_scheduler cannot choose an org, register one, or edit the catalogue")
    func misgrantedProductRoleSeesNothing() throws {
        let (admin, _, orgB) = try TenantIsolationTests.twoPopulatedOrgs()
        let name: String = try admin.query("SELECT current_database() AS name").rows[0].decode("name")
        let database = TestDatabase(name: name, url: TestCluster.url(database: name))
        // Org B has a token and a dashboard session, so the bookkeeping tables hold rows to hide.
        let token = try TokenRepository(connection: admin).create(orgID: orgB.id, name: "b", role: .admin, expiresInDays: nil)
        _ = try DashboardSessionRepository(connection: admin).open(orgID: orgB.id, tokenID: token.token.id, role: .admin,
                                                                   lifetime: .init())
        let versionOfB: Int64 = try admin.query("SELECT version FROM salesops_meta.read_versions WHERE org_id = \(orgB.id)").rows[0].decode("version")
        let login = Self.uniqueRoleName()
        try admin.execute(Query(unescaped: "CREATE ROLE \(login) LOGIN IN ROLE salesops_app, salesops_scheduler"))
        defer { _ = try? admin.execute(Query(unescaped: "DROP ROLE IF EXISTS \(login)")) }
        for role in ["salesops_app", "salesops_scheduler"] {
            let connection = try database.connect(as: login, options: "-c salesops.org_id=\(orgB.id)")
            defer { connection.close() }
            try connection.execute(Query(unescaped: "SET ROLE \(role)"))
            #expect(try Self.bookkeepingTables(admin).contains("salesops_meta.dashboard_sessions"))
            for relation in try Self.tenantRelations(admin) + ["salesops.orgs"] + Self.bookkeepingTables(admin) {
                let visible = try Self.countAll(relation, on: connection)
                #expect(visible == nil || visible == 0, "as \(role): \(relation) shows \(visible ?? 0) rows")
            }
            #expect(throws: PostgresError.self, "as \(role): registered an org") {
                try connection.execute("INSERT INTO salesops.orgs (slug, name) VALUES ('stolen-org', 'Stolen')")
            }
            #expect(throws: PostgresError.self, "as \(role): forged a succeeded night") {
                try connection.execute("""
                    INSERT INTO salesops.scheduler_runs (org_id, night, status, worker, lease_token, started_at, heartbeat_at,
                                                         lease_expires_at, finished_at, rows_written)
                    VALUES (\(orgB.id), '2026-11-21', 'succeeded', 'forger', gen_random_uuid(), now(), now(), now(), now(), 0)
                    """)
            }
            #expect(throws: PostgresError.self, "as \(role): raised another org's read version") {
                try connection.execute("SELECT salesops_meta.org_changed(\(orgB.id))")
            }
            for statement in ["UPDATE salesops.metrics SET lower_is_better = NOT lower_is_better", "DELETE FROM salesops.metrics WHERE name = 'calls'"] {
                #expect(throws: PostgresError.self, "as \(role): \(statement)") { try connection.execute(Query(unescaped: statement)) }
            }
        }
        #expect(try admin.query("SELECT count(*) AS n FROM salesops.metrics WHERE name = 'calls'").rows[0].decode("n", as: Int.self) == 1)
        #expect(try admin.query("SELECT version FROM salesops_meta.read_versions WHERE org_id = \(orgB.id)").rows[0]
            .decode("version", as: Int64.self) == versionOfB)
    }

    @Test("the application role itself cannot write the metric catalogue")
    func catalogueIsMigrationsOnly() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        for statement in ["UPDATE salesops.metrics SET lower_is_better = NOT lower_is_better WHERE name = 'revenue'",
                          "DELETE FROM salesops.metrics WHERE name = 'calls'",
                          "INSERT INTO salesops.metrics (name, aggregation, lower_is_better) VALUES ('forged', 'count', false)"] {
            #expect(throws: PostgresError.self, "\(statement)") {
                try connection.withOrg(org.id) { try $0.execute(Query(unescaped: statement)) }
            }
        }
    }

    @Test("locks a reader can take do not stall another org's materialization, import or scheduled night")
    func readerLocksDoNotStallOtherOrgs() throws {
        let fixture = try Self.fixture()
        let connection = try fixture.database.connect(as: fixture.reader)
        defer { connection.close() }
        try connection.execute("BEGIN")
        try Self.takeEveryLock(on: connection, relations: try Self.tenantRelations(fixture.admin), orgB: fixture.orgB)

        let day = LocalDate("2026-11-20")!
        let report = try KPIMaterializer(connection: fixture.admin).materialize(org: fixture.orgB, from: day, to: day)
        #expect(report.periods > 0)
        let file = TestCluster.repositoryRoot.appendingPathComponent("demo/teams.csv").path
        let imported = try Importer(connection: fixture.admin).run(.teams, orgID: fixture.orgB.id,
                                                                   handle: FileHandle(forReadingAtPath: file)!, fileName: file)
        #expect(imported.rows > 0)
        try connection.execute("ROLLBACK")
    }

    /// In the reader's open transaction on `connection`: takes every lock a reader can take on
    /// the tenant relations, the registry and the catalogue (ACCESS SHARE only; stronger modes,
    /// row locks on the registry and the lock rows are refused, which it checks) and the
    /// advisory keys older versions used for org B.
    static func takeEveryLock(on connection: Connection, relations: [String], orgB: Org) throws {
        var held = 0
        for relation in relations + ["salesops.orgs", "salesops.metrics"] {
            try connection.execute("SAVEPOINT lock")
            do {
                try connection.execute(Query(unescaped: "LOCK TABLE \(relation) IN ACCESS SHARE MODE"))
                try connection.execute("RELEASE SAVEPOINT lock")
                held += 1
            } catch {
                try connection.execute("ROLLBACK TO SAVEPOINT lock")
            }
            for mode in ["ROW SHARE", "ROW EXCLUSIVE", "SHARE", "EXCLUSIVE", "ACCESS EXCLUSIVE"] {
                try connection.execute("SAVEPOINT lock")
                #expect(throws: PostgresError.self, "\(mode) on \(relation)") {
                    try connection.execute(Query(unescaped: "LOCK TABLE \(relation) IN \(mode) MODE"))
                }
                try connection.execute("ROLLBACK TO SAVEPOINT lock")
            }
        }
        #expect(held >= 4)
        for statement in ["SELECT id FROM salesops.orgs FOR UPDATE", "SELECT id FROM salesops.orgs FOR KEY SHARE",
                          "SELECT org_id FROM salesops_meta.org_locks FOR UPDATE"] {
            try connection.execute("SAVEPOINT lock")
            #expect(throws: PostgresError.self, "\(statement)") { try connection.execute(Query(unescaped: statement)) }
            try connection.execute("ROLLBACK TO SAVEPOINT lock")
        }
        // The advisory keys older versions used for org B: anyone can take them; nothing waits on them now.
        try connection.execute("SELECT pg_advisory_lock(7340155, \(Int32(orgB.id)))")
        try connection.execute("SELECT pg_advisory_lock(7340156, \(Int32(orgB.id)))")
    }

    @Test("grant-reader sets a connection limit and timeouts; revoke-reader drops the role it made")
    func grantAndRevoke() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let role = Self.uniqueRoleName()
        #expect(try ReaderRoles(connection: connection).grantReader(role: role, orgID: org.id, password: "s3cret pass") == .created)
        let row = try connection.query("""
            SELECT r.rolconnlimit, r.rolcanlogin, r.rolpassword LIKE 'SCRAM-SHA-256$%' AS scram,
                   (SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting s WHERE s.setrole = r.oid AND s.setdatabase = 0) AS settings
            FROM pg_authid r WHERE r.rolname = \(role)
            """).rows[0]
        #expect(try row.decode("rolconnlimit", as: Int.self) == 5)
        #expect(try row.decode("rolcanlogin", as: Bool.self))
        #expect(try row.decode("scram", as: Bool.self))
        let settings: String = try row.decode("settings")
        #expect(settings.contains("statement_timeout=30s") && settings.contains("lock_timeout=5s")
                && settings.contains("idle_in_transaction_session_timeout=60s"))
        #expect(try ReaderRoles(connection: connection).list(orgID: org.id) == [role])
        // Granting again binds the same role to the same org; another org may not take it.
        #expect(try ReaderRoles(connection: connection).grantReader(role: role, orgID: org.id, password: nil) == .bound)
        let other = try SharedDatabase.makeOrg(on: connection)
        #expect(throws: SalesOpsError.self) {
            try ReaderRoles(connection: connection).grantReader(role: role, orgID: other.id, password: nil)
        }
        try ReaderRoles(connection: connection).revokeReader(role: role, orgID: org.id)
        #expect(try connection.query("SELECT count(*) AS n FROM pg_roles WHERE rolname = \(role)").rows[0].decode("n", as: Int.self) == 0)
        #expect(throws: SalesOpsError.self) { try ReaderRoles(connection: connection).revokeReader(role: role, orgID: org.id) }
    }

    @Test("grant-reader refuses privileged roles, members of product roles and reserved names")
    func grantRefusesPrivilegedRoles() throws {
        let connection = try SharedDatabase.connect()
        let org = try SharedDatabase.makeOrg(on: connection)
        let member = Self.uniqueRoleName()
        try connection.execute(Query(unescaped: "CREATE ROLE \(member) LOGIN IN ROLE salesops_app"))
        defer { _ = try? connection.execute(Query(unescaped: "DROP ROLE IF EXISTS \(member)")) }
        for role in ["postgres", member, "salesops_app", "pg_monitor", "Bad-Name", "x; DROP TABLE salesops.orgs"] {
            #expect(throws: SalesOpsError.self, "\(role)") {
                try ReaderRoles(connection: connection).grantReader(role: role, orgID: org.id, password: nil)
            }
        }
        #expect(try connection.query("SELECT count(*) AS n FROM salesops_meta.tenant_roles WHERE org_id = \(org.id)").rows[0]
            .decode("n", as: Int.self) == 0)
    }

    @Test("no tenant-reachable role can draw from or set any of the product's sequences, which every org shares")
    func sharedSequencesAreOutOfReach() throws {
        let connection = try SharedDatabase.connect()
        defer { connection.close() }
        let sequences = try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name,
                   has_sequence_privilege('salesops_reader', c.oid, 'USAGE, UPDATE')
                   OR has_sequence_privilege('public', c.oid, 'USAGE, UPDATE') AS reachable
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND n.nspname IN ('salesops', 'kpi', 'salesops_meta', 'kpi_run')
            """).rows
        let names = try sequences.map { try $0.decode("name", as: String.self) }
        // The identity columns' sequences and the import's id blocks (sql/046) are among them.
        #expect(names.contains("salesops.row_id_blocks") && names.contains("salesops.deals_id_seq"), "\(names)")
        let reachable = try sequences.filter { try $0.decode("reachable", as: Bool.self) }.map { try $0.decode("name", as: String.self) }
        #expect(reachable.isEmpty, "a reader may advance \(reachable)")
        // The product's role draws the import's blocks.
        #expect(try connection.query("SELECT has_sequence_privilege('salesops_app', 'salesops.row_id_blocks', 'USAGE') AS u").rows[0]
            .decode("u", as: Bool.self))
    }

    @Test("no tenant-reachable role holds any privilege in the product's bookkeeping schema, nor can run its security-definer functions")
    func bookkeepingIsOutOfReach() throws {
        let connection = try SharedDatabase.connect()
        let reachable = try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN (VALUES ('salesops_reader'), ('public')) AS r (role)
            WHERE n.nspname = 'salesops_meta' AND c.relkind IN ('r', 'p', 'v', 'm')
              AND has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
            """).rows.map { try $0.decode("name", as: String.self) }
        #expect(reachable.isEmpty, "reachable: \(reachable)")
        #expect(try connection.query("SELECT has_schema_privilege('salesops_reader', 'salesops_meta', 'USAGE') AS u").rows[0]
            .decode("u", as: Bool.self) == false)
        let definers = try connection.query("""
            SELECT p.oid::regprocedure::text AS name, has_function_privilege('salesops_reader', p.oid, 'EXECUTE') AS reader_may
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """).rows
        #expect(!definers.isEmpty)
        for row in definers where try row.decode("reader_may", as: Bool.self) {
            let name: String = try row.decode("name")
            #expect(name == "salesops.current_org_id()", "a reader may run security-definer function \(name)")
        }
        let rls = try connection.query("""
            SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity AS forced
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'salesops_meta' AND c.relkind = 'r'
              AND (has_table_privilege('salesops_app', c.oid, 'SELECT') OR has_table_privilege('salesops_scheduler', c.oid, 'SELECT'))
            """).rows
        #expect(rls.count >= 2)
        for row in rls {
            let table: String = try row.decode("relname")
            #expect(try row.decode("forced", as: Bool.self), "\(table) lacks forced RLS")
        }
    }

    static func countAll(_ relation: String, on connection: Connection) throws -> Int? {
        do {
            return try connection.query(Query(unescaped: "SELECT count(*) AS n FROM \(relation)")).rows[0].decode("n", as: Int.self)
        } catch let error as PostgresError where error.sqlState == SQLState("42501") {
            return nil
        }
    }

    static func fingerprint(_ admin: Connection, org: Org) throws -> [String: String] {
        try TenantCatalog.fingerprint(admin, orgID: org.id)
    }
}

@Suite("Binding a reader role races safely")
struct ReaderGrantRaceTests {
    @Test("concurrent grants of one existing role to two orgs: exactly one binds, the other is refused")
    func concurrentGrants() throws {
        let connection = try SharedDatabase.connect()
        let orgs = [try SharedDatabase.makeOrg(on: connection), try SharedDatabase.makeOrg(on: connection)]
        let role = ReaderRoleIsolationTests.uniqueRoleName()
        try connection.execute(Query(unescaped: "CREATE ROLE \(role) LOGIN"))
        defer { _ = try? connection.execute(Query(unescaped: "DROP ROLE IF EXISTS \(role)")) }
        let outcomes = GrantOutcomes()
        let group = DispatchGroup()
        for org in orgs {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let own = try SharedDatabase.connect()
                    defer { own.close() }
                    _ = try ReaderRoles(connection: own).grantReader(role: role, orgID: org.id, password: nil)
                    outcomes.add(org.id, .granted)
                } catch is SalesOpsError {
                    outcomes.add(org.id, .refused)
                } catch {
                    outcomes.add(org.id, .failed("\(error)"))
                }
            }
        }
        group.wait()
        let bound: [Int64] = try connection.query("SELECT org_id FROM salesops_meta.tenant_roles WHERE role_name = \(role)").rows
            .map { try $0.decode("org_id") }
        #expect(bound.count == 1)
        #expect(outcomes.granted == bound, "granted \(outcomes.granted), bound \(bound)")
        #expect(outcomes.refusedCount == 1)
        #expect(outcomes.failures.isEmpty, "failed rather than refused: \(outcomes.failures)")
        _ = try? ReaderRoles(connection: connection).revokeReader(role: role, orgID: bound[0])
    }
}

/// Collects the two threads' outcomes.
final class GrantOutcomes: @unchecked Sendable {
    enum Outcome { case granted, refused, failed(String) }

    private let lock = NSLock()
    private(set) var granted: [Int64] = []
    private(set) var refusedCount = 0
    private(set) var failures: [String] = []

    func add(_ org: Int64, _ outcome: Outcome) {
        self.lock.lock()
        defer { self.lock.unlock() }
        switch outcome {
        case .granted: self.granted.append(org)
        case .refused: self.refusedCount += 1
        case .failed(let message): self.failures.append(message)
        }
    }
}
