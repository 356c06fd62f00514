import Foundation

/// One schema file under `sql/`: `NNN_description.sql`, applied once, in version order.
public struct MigrationFile: Sendable, Hashable {
    /// The number the file name starts with.
    public let version: Int
    /// The file name, e.g. `003_teams_reps_pipelines.sql`.
    public let name: String
    /// The file's SQL text.
    public let sql: String

    /// A schema file held in memory.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads every `NNN_*.sql` file of a folder, ordered by version.
    /// - Throws: `SalesOpsError.invalidInput` when two files share a version or a file
    ///   cannot be read as UTF-8.
    public static func load(from directory: URL) throws -> [MigrationFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        var files: [MigrationFile] = []
        for name in names {
            let digits = name.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, name.dropFirst(digits.count).first == "_", let version = Int(digits) else { continue }
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path),
                  let sql = String(data: data, encoding: .utf8) else {
                throw SalesOpsError.invalidInput("cannot read \(url.path) as UTF-8 text")
            }
            files.append(MigrationFile(version: version, name: name, sql: sql))
        }
        files.sort { $0.version < $1.version }
        for (earlier, later) in zip(files, files.dropFirst()) where earlier.version == later.version {
            throw SalesOpsError.invalidInput("\(earlier.name) and \(later.name) share version \(earlier.version)")
        }
        return files
    }

    /// Finds the schema folder from trusted places only: an explicit path, else
    /// `SALESOPS_SQL_DIR`, else the installed layout beside the executable
    /// (`<prefix>/bin/salesctl` → `<prefix>/share/salesops/sql`), else the source checkout the
    /// executable was built in (the nearest folder above it holding both `Package.swift` and
    /// `sql/001_*.sql`). The working directory is never searched: a `sql/` folder planted
    /// where an operator happens to stand must not become the schema.
    /// - Throws: `.invalidInput` when none of them holds the schema.
    public static func locateDirectory(explicit: String?, environment: [String: String], executablePath: String) throws -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment["SALESOPS_SQL_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        let binFolder = executable.deletingLastPathComponent()
        let installed = binFolder.deletingLastPathComponent().appendingPathComponent("share/salesops/sql")
        if Self.holdsSchema(installed) { return installed }
        var folder = binFolder.standardizedFileURL
        while true {
            let checkout = folder.appendingPathComponent("sql")
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path), Self.holdsSchema(checkout) {
                return checkout
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        throw SalesOpsError.invalidInput("""
            cannot find the schema files beside \(executable.path) (../share/salesops/sql, or the source checkout it was \
            built in); pass --sql-dir or set SALESOPS_SQL_DIR
            """)
    }

    private static func holdsSchema(_ folder: URL) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.contains { $0.hasPrefix("001_") && $0.hasSuffix(".sql") }
    }
}
