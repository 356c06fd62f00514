import Foundation
import PostgresClient
import SalesOps
import Testing

/// A Citus cluster for the tests (a coordinator and two workers, `scripts/citus-cluster`),
/// started once per test process under a temporary folder and stopped when it exits. Each
/// test takes a database of its own on it: created on every node, Citus created in each, the
/// workers registered in the coordinator's.
public enum CitusTestCluster {
    private static let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("salesops-citus-tests-\(ProcessInfo.processInfo.processIdentifier)").path
    private static var script: String { TestCluster.repositoryRoot.appendingPathComponent("scripts/citus-cluster").path }
    private static var pgCluster: String { TestCluster.repositoryRoot.appendingPathComponent("scripts/pg-cluster").path }

    /// Whether Citus is installed or can be (scripts/citus-cluster exits 69 when it finds no
    /// installer); tests of the cluster are skipped, and say why, when it is not.
    public static let isAvailable: Bool = {
        let libdir = (try? Shell.run("/usr/bin/env", ["pg_config", "--pkglibdir"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "/usr/lib/postgresql/15/lib"
        if FileManager.default.fileExists(atPath: "\(libdir)/citus.so") { return true }
        let installers = [TestCluster.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/citus/install").path,
                          "/work/shared/citus/install"] + [ProcessInfo.processInfo.environment["SALESOPS_CITUS_DIR"].map { "\($0)/install" }].compactMap { $0 }
        return installers.contains { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The reason shown for each skipped cluster test.
    public static let unavailableReason: Comment =
        "Citus is not installed here and no installer was found (SALESOPS_CITUS_DIR or shared/citus): the cluster tests are skipped"

    /// The nodes' URLs (of their `postgres` databases): the coordinator first.
    private static let nodes: [String] = {
        do {
            let coordinator = try Shell.run(script, ["start", folder]).trimmingCharacters(in: .whitespacesAndNewlines)
            atexit {
                _ = try? Shell.run(CitusTestCluster.script, ["stop", CitusTestCluster.folder])
                try? FileManager.default.removeItem(atPath: CitusTestCluster.folder)
            }
            let workers = try ["worker1", "worker2"].map {
                try Shell.run(pgCluster, ["url", "\(folder)/\($0)"]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return [coordinator] + workers
        } catch {
            fatalError("cannot start the test Citus cluster: \(error)")
        }
    }()

    /// Runs `body` while no other test of this process registers nodes or migrates on the
    /// cluster. Both change roles, which all databases of a node share, and Citus's syncing of
    /// them to the workers fails ("tuple concurrently updated") when two databases do it at once.
    @discardableResult
    public static func exclusively<Result>(_ body: () throws -> Result) throws -> Result {
        Self.catalogLock.lock()
        defer { Self.catalogLock.unlock() }
        return try body()
    }

    private static let catalogLock = NSLock()

    /// A new empty database on every node, with Citus, its workers registered.
    public static func database() throws -> TestDatabase {
        try Self.exclusively { try Self.createDatabase() }
    }

    private static func createDatabase() throws -> TestDatabase {
        let name = "c_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        var urls: [String] = []
        for node in Self.nodes {
            let admin = try Connection.connect(ConnectionConfiguration(conninfo: node), logger: TestCluster.logger)
            try admin.execute(Query(unescaped: "CREATE DATABASE \(name)"))
            admin.close()
            let url = Self.url(node, database: String(name))
            let connection = try Connection.connect(ConnectionConfiguration(conninfo: url), logger: TestCluster.logger)
            try connection.execute("SET client_min_messages = warning")
            try connection.execute("CREATE EXTENSION citus")
            connection.close()
            urls.append(url)
        }
        let coordinator = try Connection.connect(ConnectionConfiguration(conninfo: urls[0]), logger: TestCluster.logger)
        defer { coordinator.close() }
        try coordinator.execute("SET client_min_messages = warning")
        for node in Self.nodes.dropFirst() {
            let port = URLComponents(string: node)!.port!
            try coordinator.execute("SELECT citus_add_node('127.0.0.1', \(port)::int)")
        }
        let port = URLComponents(string: Self.nodes[0])!.port!
        try coordinator.execute("SELECT citus_set_coordinator_host('127.0.0.1', \(port)::int)")
        return TestDatabase(name: String(name), url: urls[0])
    }

    /// Creates (once) and returns the login a deployment's product runs as on `database`: a
    /// member of the schema's owner, neither a superuser nor BYPASSRLS, so every policy of the
    /// schema applies to its statements on every node. Call it after the database is migrated.
    public static func productLogin(on database: TestDatabase) throws -> String {
        let login = "svc_\(database.name.suffix(8))"
        let admin = try database.connect()
        defer { admin.close() }
        let owner: String = try admin.query("SELECT pg_get_userbyid(nspowner)::text AS owner FROM pg_namespace WHERE nspname = 'salesops'")
            .rows[0].decode("owner")
        try Self.exclusively {
            try admin.execute(Query(unescaped: """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(login)') THEN CREATE ROLE \(login) LOGIN IN ROLE \(owner); END IF;
                END $$
                """))
        }
        return login
    }

    /// A connection to `database` as its product login (`productLogin(on:)`).
    public static func productConnection(_ database: TestDatabase) throws -> Connection {
        try database.connect(as: try Self.productLogin(on: database))
    }

    /// The URL of `database` on the worker `index` (0 or 1).
    public static func workerURL(_ index: Int, database: String) -> String {
        Self.url(Self.nodes[index + 1], database: database)
    }

    private static func url(_ node: String, database: String) -> String {
        var components = URLComponents(string: node)!
        components.path = "/" + database
        return components.string!
    }
}
