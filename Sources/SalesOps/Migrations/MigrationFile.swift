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

    /// Finds the schema folder: an explicit path, else `SALESOPS_SQL_DIR`, else a `sql/`
    /// folder holding `001_*.sql` next to or above the executable or the working directory.
    public static func locateDirectory(explicit: String?, environment: [String: String], executablePath: String) throws -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment["SALESOPS_SQL_DIR"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        let starts = [URL(fileURLWithPath: executablePath).deletingLastPathComponent(),
                      URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                for candidate in [folder.appendingPathComponent("sql"), folder.appendingPathComponent("share/salesops/sql")] {
                    let entries = (try? FileManager.default.contentsOfDirectory(atPath: candidate.path)) ?? []
                    if entries.contains(where: { $0.hasPrefix("001_") && $0.hasSuffix(".sql") }) { return candidate }
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw SalesOpsError.invalidInput("cannot find the sql/ schema folder; pass --sql-dir or set SALESOPS_SQL_DIR")
    }
}
