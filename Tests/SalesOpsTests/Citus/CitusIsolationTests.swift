import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// On a Citus cluster the policies run on the workers' shards, in sessions Citus opens as the
/// coordinator's current role. The org a transaction chose must reach them (`SET LOCAL`,
/// propagated), a reader's binding must hold there, and a login that is neither must get
/// nothing — whatever it sets.
@Suite("Tenants stay apart on a Citus cluster", .enabled(if: CitusTestCluster.isAvailable, CitusTestCluster.unavailableReason))
struct CitusIsolationTests {
    /// A cluster database with two orgs, each with teams named after it, and the logins the
    /// tests connect as: a product login (a member of the schema's owner, not a superuser, so
    /// the policies apply to it), a reader of org A, and a login wrongly granted the
    /// application role.
    struct Fixture {
        var database: TestDatabase
        var orgA: Org
        var orgB: Org
        var product: String
        var reader: String
        var misgranted: String
    }

    static func fixture() throws -> Fixture {
        let database = try CitusTestCluster.database()
        let admin = try database.connect()
        defer { admin.close() }
        try CitusTestCluster.exclusively { try Migrator(files: TestCluster.migrationFiles).migrate(on: admin) }
        let suffix = String(database.name.suffix(8))
        let product = try CitusTestCluster.productLogin(on: database), reader = "reader_\(suffix)", misgranted = "intruder_\(suffix)"
        try CitusTestCluster.exclusively { try admin.execute(Query(unescaped: "CREATE ROLE \(misgranted) LOGIN IN ROLE salesops_app")) }
        let session = try database.connect(as: product)  // the orgs are made as a deployment makes them
        defer { session.close() }
        var orgs: [Org] = []
        for slug in ["org-a", "org-b"] {
            let org = try session.withApplicationRole { try OrgRepository(connection: $0).create(NewOrg(slug: slug, name: slug)) }
            try session.withTenant(org.id) { tenant in
                for index in 1...3 {
                    _ = try TeamRepository(session: tenant).create(externalID: "\(slug)-\(index)", name: "\(slug) team \(index)",
                                                                   parentExternalID: nil)
                }
            }
            orgs.append(org)
        }
        try CitusTestCluster.exclusively { try ReaderRoles(connection: admin).grantReader(role: reader, orgID: orgs[0].id, password: nil) }
        return Fixture(database: database, orgA: orgs[0], orgB: orgs[1], product: product, reader: reader, misgranted: misgranted)
    }

    static func teamNames(_ connection: Connection, where filter: String = "true") throws -> [String] {
        try connection.query(Query(unescaped: "SELECT name FROM salesops.teams WHERE \(filter) ORDER BY name")).rows.map { try $0.decode("name") }
    }

    @Test("a product login that is not a superuser sees exactly the org its transaction chose, on whichever node the rows are")
    func orgContextReachesTheWorkers() throws {
        let fixture = try Self.fixture()
        let connection = try fixture.database.connect(as: fixture.product)
        defer { connection.close() }
        #expect(try connection.isDistributed())
        for org in [fixture.orgA, fixture.orgB] {
            let names = try connection.withTenant(org.id) { tenant in try Self.teamNames(tenant.connection) }
            #expect(names == (1...3).map { "\(org.slug) team \($0)" })
            let others = try connection.withTenant(org.id) { tenant in
                try Self.teamNames(tenant.connection, where: "org_id <> \(org.id)")
            }
            #expect(others.isEmpty)
        }
        #expect(try connection.withApplicationRole { try Self.teamNames($0) }.isEmpty, "no org chosen, no tenant rows")
    }

    @Test("a reader login sees its own org's rows only, whatever org it sets, on every shard")
    func readerBindingHoldsOnTheWorkers() throws {
        let fixture = try Self.fixture()
        let connection = try fixture.database.connect(as: fixture.reader)
        defer { connection.close() }
        #expect(try Self.teamNames(connection) == (1...3).map { "org-a team \($0)" })
        try connection.execute("BEGIN")
        try connection.execute(Query(unescaped: "SET LOCAL salesops.org_id = \(fixture.orgB.id)"))
        #expect(try Self.teamNames(connection) == (1...3).map { "org-a team \($0)" })
        #expect(try Self.teamNames(connection, where: "org_id = \(fixture.orgB.id)").isEmpty)
        try connection.execute("ROLLBACK")
    }

    @Test("a login wrongly granted the application role gets no org on the cluster, even when it sets one")
    func misgrantedLoginSeesNothing() throws {
        let fixture = try Self.fixture()
        let connection = try fixture.database.connect(as: fixture.misgranted)
        defer { connection.close() }
        try connection.execute("BEGIN")
        try connection.execute(Query(unescaped: "SET LOCAL salesops.org_id = \(fixture.orgB.id)"))
        #expect(try Self.teamNames(connection).isEmpty)
        #expect(try Self.teamNames(connection, where: "org_id = \(fixture.orgB.id)").isEmpty)
        try connection.execute("ROLLBACK")
        // Switching to the application role itself gets no further: Citus would open the
        // workers' sessions as that role, which cannot log in.
        try connection.execute("BEGIN")
        try connection.execute("SET LOCAL ROLE salesops_app")
        try connection.execute(Query(unescaped: "SET LOCAL salesops.org_id = \(fixture.orgB.id)"))
        let names = try? Self.teamNames(connection, where: "org_id = \(fixture.orgB.id)")
        #expect(names == nil || names == [], "read \(names ?? [])")
        _ = try? connection.execute("ROLLBACK")
    }

    @Test("locks a reader can take on the cluster do not stall another org's import or materialization")
    func readerLocksDoNotStallOtherOrgs() throws {
        let fixture = try Self.fixture()
        let admin = try fixture.database.connect()
        defer { admin.close() }
        try ImportFixture.importDemo(into: fixture.orgB, connection: admin)
        // A stall fails instead of hanging: the product login's sessions, on every node, give up waiting.
        try CitusTestCluster.exclusively {
            try admin.execute(Query(unescaped: "ALTER ROLE \(fixture.product) SET lock_timeout = '20s'"))
        }
        let reader = try fixture.database.connect(as: fixture.reader)
        defer { reader.close() }
        try reader.execute("BEGIN")
        try ReaderRoleIsolationTests.takeEveryLock(on: reader, relations: try ReaderRoleIsolationTests.tenantRelations(admin),
                                                   orgB: fixture.orgB)
        let product = try fixture.database.connect(as: fixture.product)
        defer { product.close() }
        let day = LocalDate("2026-11-20")!
        let report = try KPIMaterializer(connection: product).materialize(org: fixture.orgB, from: day.adding(days: -6), to: day)
        #expect(report.periods > 0)
        let file = TestCluster.repositoryRoot.appendingPathComponent("demo/reps.csv").path
        let imported = try Importer(connection: product).run(.reps, orgID: fixture.orgB.id,
                                                             handle: FileHandle(forReadingAtPath: file)!, fileName: file)
        #expect(imported.rows > 0)
        try reader.execute("ROLLBACK")
    }

    @Test("with every trick of the one-node suite, a reader of org A and a misgranted login read no row of org B from any tenant table or view")
    func everyTrickOnTheCluster() throws {
        let fixture = try Self.fixture()
        let admin = try fixture.database.connect()
        defer { admin.close() }
        for org in [fixture.orgA, fixture.orgB] {
            try ImportFixture.importDemo(into: org, connection: admin)
        }
        let relations = try ReaderRoleIsolationTests.tenantRelations(admin)
        #expect(relations.count >= 18)
        let tricks = ReaderRoleIsolationTests.tricks(orgB: fixture.orgB, productRoles: try ReaderRoleIsolationTests.productRoles(admin))
        for login in [fixture.reader, fixture.misgranted] {
            for trick in tricks {
                let connection = try fixture.database.connect(as: login, options: trick.connectOptions)
                defer { connection.close() }
                ReaderRoleIsolationTests.play(trick, on: connection)
                for relation in relations {
                    // A statement that fails for another reason (Citus cannot open a session as a
                    // login-less role it switched to) shows nothing either.
                    let rows: Int?
                    do {
                        rows = try ReaderRoleIsolationTests.count(relation, org: fixture.orgB, on: connection)
                    } catch let error as PostgresError {
                        if connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
                        #expect(!error.message.isEmpty)
                        continue
                    }
                    #expect(rows == nil || rows == 0, "\(login), trick '\(trick)': \(relation) shows \(rows ?? 0) rows of org B")
                }
            }
        }
        let ownDeals: Int = try admin.query("SELECT count(*)::int AS n FROM salesops.deals WHERE org_id = \(fixture.orgB.id)").rows[0].decode("n")
        #expect(ownDeals == 8, "org B has deals to hide")
    }
}
