import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PostgresClient
import SalesOps

/// The PostgreSQL server the tests use: a throwaway cluster under a temporary folder,
/// started once per test process by `scripts/pg-cluster` and stopped when the process
/// exits. `SALESOPS_TEST_DATABASE_URL` points the tests at an existing server instead.
public enum TestCluster {
    /// The repository's top folder.
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The schema files under `sql/`.
    public static let migrationFiles: [MigrationFile] = {
        do {
            return try MigrationFile.load(from: repositoryRoot.appendingPathComponent("sql"))
        } catch {
            fatalError("cannot load sql/: \(error)")
        }
    }()

    private static let clusterDirectory: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("salesops-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        return path
    }()

    /// URL of the server's `postgres` database.
    public static let serverURL: String = {
        if let url = ProcessInfo.processInfo.environment["SALESOPS_TEST_DATABASE_URL"], !url.isEmpty { return url }
        stopOrphanedClusters()
        let output: String
        do {
            output = try Shell.run(repositoryRoot.appendingPathComponent("scripts/pg-cluster").path, ["start", clusterDirectory])
        } catch {
            fatalError("cannot start the test PostgreSQL cluster: \(error)")
        }
        atexit {
            _ = try? Shell.run(TestCluster.repositoryRoot.appendingPathComponent("scripts/pg-cluster").path,
                               ["stop", TestCluster.clusterDirectory])
            try? FileManager.default.removeItem(atPath: TestCluster.clusterDirectory)
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// Stops the clusters of earlier test processes that are gone without stopping theirs
    /// (a run that ended without running its exit handlers).
    private static func stopOrphanedClusters() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("salesops-tests-") {
            guard let pid = Int32(name.dropFirst("salesops-tests-".count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let folder = temporary.appendingPathComponent(name).path
            _ = try? Shell.run(repositoryRoot.appendingPathComponent("scripts/pg-cluster").path, ["stop", folder])
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// The URL of another database on the test server.
    public static func url(database: String, user: String? = nil) -> String {
        guard var components = URLComponents(string: serverURL) else { fatalError("bad server URL \(serverURL)") }
        components.path = "/" + database
        if let user { components.user = user }
        return components.string!
    }

    /// A logger that stays quiet unless a test needs to see something.
    public static let logger: Logger = {
        var logger = Logger(label: "salesops-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// A connection to the server's `postgres` database (for creating databases).
    public static func adminConnection() throws -> Connection {
        try Connection.connect(ConnectionConfiguration(conninfo: serverURL), logger: logger)
    }

    /// A database migrated once per process, from which each fresh database is copied.
    static let templateName: String = {
        let name = "salesops_template_\(ProcessInfo.processInfo.processIdentifier)"
        do {
            let admin = try adminConnection()
            try admin.execute(Query(unescaped: "DROP DATABASE IF EXISTS \(name)"))
            try admin.execute(Query(unescaped: "CREATE DATABASE \(name)"))
            admin.close()
            let connection = try Connection.connect(ConnectionConfiguration(conninfo: url(database: name)), logger: logger)
            try Migrator(files: migrationFiles).migrate(on: connection)
            connection.close()
        } catch {
            fatalError("cannot prepare the migrated template database: \(String(reflecting: error))")
        }
        return name
    }()
}
