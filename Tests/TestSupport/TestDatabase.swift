import Foundation
import PostgresClient
import SalesOps

/// A database of its own for one test: created (migrated, or empty) on the test server.
public struct TestDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// Its URL, for connections and for `salesctl --database-url`.
    public let url: String

    /// A database that already exists (e.g. on a server a test started itself).
    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// A new database with the whole schema applied (copied from a migrated template).
    public static func migrated() throws -> TestDatabase {
        try create(template: TestCluster.templateName)
    }

    /// A new empty database.
    public static func empty() throws -> TestDatabase {
        try create(template: "template0")
    }

    private static func create(template: String) throws -> TestDatabase {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = try TestCluster.adminConnection()
        defer { admin.close() }
        try admin.execute(Query(unescaped: "CREATE DATABASE \(name) TEMPLATE \(template)"))
        return TestDatabase(name: String(name), url: TestCluster.url(database: String(name)))
    }

    /// Opens a connection to this database.
    public func connect() throws -> Connection {
        try Connection.connect(ConnectionConfiguration(conninfo: self.url), logger: TestCluster.logger)
    }

    /// This database's URL with another login role, and extra libpq `options` (`-c name=value ...`).
    public func url(as user: String, options: String? = nil) -> String {
        var components = URLComponents(string: self.url)!
        components.user = user
        if let options { components.queryItems = [URLQueryItem(name: "options", value: options)] }
        return components.string!
    }

    /// Opens a connection as another login role, with extra libpq `options` (`-c name=value ...`).
    public func connect(as user: String, options: String? = nil) throws -> Connection {
        try Connection.connect(ConnectionConfiguration(conninfo: self.url(as: user, options: options)), logger: TestCluster.logger)
    }
}

/// A shared migrated database in which each test makes orgs of its own.
public enum SharedDatabase {
    public static let database: TestDatabase = {
        do {
            return try TestDatabase.migrated()
        } catch {
            fatalError("cannot create the shared test database: \(error)")
        }
    }()

    /// Opens a connection to the shared database.
    public static func connect() throws -> Connection {
        try database.connect()
    }

    /// Creates an org with a unique slug and returns it.
    public static func makeOrg(on connection: Connection, timezone: String = "UTC", fiscalYearStartMonth: Int = 1) throws -> Org {
        let slug = "org-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
        return try connection.withApplicationRole { connection in
            try OrgRepository(connection: connection).create(NewOrg(
                slug: slug, name: "Test \(slug)", timezone: timezone, fiscalYearStartMonth: fiscalYearStartMonth))
        }
    }
}
