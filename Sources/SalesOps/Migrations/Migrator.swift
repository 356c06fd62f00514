import Foundation
import PostgresClient

/// Applies the schema files to a database, once each, in order.
///
/// Each file runs in its own transaction together with the row that records it (version,
/// name, SHA-256 checksum). The whole run holds an advisory lock, so concurrent migrators
/// queue rather than race. A recorded file whose text has changed is reported and stops
/// the run: an edited migration is never silently skipped.
public struct Migrator: Sendable {
    /// The state of one schema file against the database.
    public struct FileStatus: Sendable, Equatable {
        public enum State: String, Sendable {
            case applied, pending, edited
            /// Recorded as applied, but the file is gone.
            case missing
        }
        public var version: Int
        public var name: String
        public var state: State
        public var appliedAt: String?
    }

    /// Arbitrary constant identifying the migration lock among advisory locks.
    static let advisoryLockKey: Int64 = 7_340_155_001

    public let files: [MigrationFile]
    /// How long `migrate` waits for the migration lock before it gives up naming the holder.
    public var lockWait: Duration

    public init(files: [MigrationFile], lockWait: Duration = .seconds(30)) {
        self.files = files
        self.lockWait = lockWait
    }

    /// The state of every file, including recorded files that no longer exist.
    public func status(on connection: Connection) throws -> [FileStatus] {
        try Self.ensureLedger(on: connection)
        return try self.compare(with: try Self.recorded(on: connection), on: connection)
    }

    /// Applies every pending file.
    /// - Returns: the files applied, in order.
    /// - Throws: `SalesOpsError.schemaDrift` when an applied file was edited or removed
    ///   (nothing is applied then); the failing file's `PostgresError` otherwise.
    @discardableResult
    public func migrate(on connection: Connection) throws -> [MigrationFile] {
        try self.acquireLock(on: connection)
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))") }
        try Self.ensureLedger(on: connection)
        let statuses = try self.compare(with: try Self.recorded(on: connection), on: connection)
        let drifted = statuses.filter { $0.state == .edited || $0.state == .missing }
        guard drifted.isEmpty else {
            let list = drifted.map { "\($0.name) (\($0.state == .edited ? "edited after it was applied" : "applied but no longer on disk"))" }
            throw SalesOpsError.schemaDrift("schema files disagree with the database: " + list.joined(separator: ", "))
        }
        let pendingVersions = Set(statuses.filter { $0.state == .pending }.map(\.version))
        let cluster = try CitusLayout.isCluster(connection)
        var applied: [MigrationFile] = []
        for file in self.files where pendingVersions.contains(file.version) {
            try connection.withTransaction { connection in
                if cluster {
                    for setting in CitusLayout.sessionSettings { try connection.execute("\(unescaped: setting)") }
                }
                // One statement per message: a Citus coordinator propagates DDL from the text it received.
                for statement in SQLScript.statements(in: file.sql) { try connection.executeScript(statement) }
                // On a cluster, a file from the layout's first version on places what it created.
                if cluster && file.version >= CitusLayout.firstVersion {
                    try CitusLayout(connection: connection).place()
                }
                try connection.execute("""
                    INSERT INTO salesops_meta.schema_migrations (version, name, checksum)
                    VALUES (\(file.version), \(file.name), encode(sha256(convert_to(\(file.sql), 'UTF8')), 'hex'))
                    """)
            }
            applied.append(file)
        }
        if cluster { try self.layOut(on: connection) }
        return applied
    }

    /// Once the schema has reached `CitusLayout.firstVersion`, places every table not yet where
    /// it belongs (e.g. of a database migrated before its workers were registered).
    @discardableResult
    private func layOut(on connection: Connection) throws -> [String] {
        let version: Int? = try connection.query("SELECT max(version) AS version FROM salesops_meta.schema_migrations").rows[0]
            .decode("version")
        guard let version, version >= CitusLayout.firstVersion else { return [] }
        return try connection.withTransaction { try CitusLayout(connection: $0).place() }
    }

    /// Takes the migration lock, trying every 100 ms for `lockWait`.
    /// - Throws: `MigrationLockBusy` naming the sessions holding it when the wait runs out.
    private func acquireLock(on connection: Connection) throws {
        let deadline = ContinuousClock.now + self.lockWait
        while true {
            let taken: Bool = try connection.query("SELECT pg_try_advisory_lock(\(Self.advisoryLockKey)) AS taken").rows[0].decode("taken")
            if taken { return }
            if ContinuousClock.now >= deadline { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        // pg_locks shows a bigint advisory key as its high and low 32 bits, with objsubid 1.
        let holders: [String] = try connection.query("""
            SELECT format('pid %s (login %s, application %L, %s, %s)', a.pid, a.usename, a.application_name,
                          coalesce(host(a.client_addr), 'local socket'),
                          CASE WHEN a.xact_start IS NULL THEN 'no transaction'
                               ELSE 'transaction open ' || date_trunc('second', now() - a.xact_start)::text END) AS holder
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = (\(Self.advisoryLockKey)::bigint >> 32) AND l.objid::bigint = (\(Self.advisoryLockKey)::bigint & 4294967295)
            ORDER BY a.pid
            """).rows.map { try $0.decode("holder") }
        throw MigrationLockBusy(waited: self.lockWait, holders: holders)
    }

    private struct Recorded {
        var name: String
        var checksum: String
        var appliedAt: String
    }

    private static func ensureLedger(on connection: Connection) throws {
        try connection.executeScript("""
            CREATE SCHEMA IF NOT EXISTS salesops_meta;
            CREATE TABLE IF NOT EXISTS salesops_meta.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
    }

    private static func recorded(on connection: Connection) throws -> [Int: Recorded] {
        let rows = try connection.query("""
            SELECT version, name, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SSOF') AS applied_at
            FROM salesops_meta.schema_migrations
            """).rows
        var result: [Int: Recorded] = [:]
        for row in rows {
            result[try row.decode("version")] = Recorded(name: try row.decode("name"), checksum: try row.decode("checksum"),
                                                         appliedAt: try row.decode("applied_at"))
        }
        return result
    }

    private func compare(with recorded: [Int: Recorded], on connection: Connection) throws -> [FileStatus] {
        var statuses: [FileStatus] = []
        for file in self.files {
            guard let record = recorded[file.version] else {
                statuses.append(FileStatus(version: file.version, name: file.name, state: .pending, appliedAt: nil))
                continue
            }
            let checksum: String = try connection.query(
                "SELECT encode(sha256(convert_to(\(file.sql), 'UTF8')), 'hex') AS checksum"
            ).rows[0].decode("checksum")
            let state: FileStatus.State = checksum == record.checksum && file.name == record.name ? .applied : .edited
            statuses.append(FileStatus(version: file.version, name: file.name, state: state, appliedAt: record.appliedAt))
        }
        let onDisk = Set(self.files.map(\.version))
        for (version, record) in recorded where !onDisk.contains(version) {
            statuses.append(FileStatus(version: version, name: record.name, state: .missing, appliedAt: record.appliedAt))
        }
        return statuses.sorted { $0.version < $1.version }
    }
}

/// Another session held the migration lock for the whole wait.
public struct MigrationLockBusy: Error, Sendable, CustomStringConvertible {
    public var waited: Duration
    /// The sessions holding the lock (pid, login, application, address, transaction age).
    public var holders: [String]

    public var description: String {
        "the migration lock is held by another session and was not free within \(self.waited): "
            + (self.holders.isEmpty ? "its holder has just let it go; try again" : self.holders.joined(separator: "; "))
            + " (end that session or wait for its migration)"
    }
}
