import ArgumentParser
import Foundation
import SalesOps

/// `salesctl migrate [--status]`: apply pending schema files, or show their state.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema files from sql/ (once each, in order, under a lock).",
        discussion: "An applied file that was edited stops the run with exit 65; --status shows each file's state."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Show each schema file's state instead of applying.")
    var status = false

    @Option(help: ArgumentHelp("The schema folder. Default: $SALESOPS_SQL_DIR, else the one installed beside salesctl (../share/salesops/sql) or the source checkout it was built in; never the working directory.", valueName: "dir"))
    var sqlDir: String?

    @Option(help: "Seconds to wait for another migration's lock before exiting 75 with its holder named (1–3600).")
    var lockWaitSeconds = 30

    @Flag(help: "Print the status as JSON.")
    var json = false

    func validate() throws {
        guard (1...3600).contains(self.lockWaitSeconds) else { throw ValidationError("--lock-wait-seconds must be 1–3600") }
    }

    func run() throws {
        try reportingErrors {
            let directory = try MigrationFile.locateDirectory(explicit: self.sqlDir, environment: ProcessInfo.processInfo.environment,
                                                              executablePath: Self.executablePath)
            let migrator = Migrator(files: try MigrationFile.load(from: directory), lockWait: .seconds(self.lockWaitSeconds))
            let session = try Session.open(self.global)
            if self.status {
                let statuses = try migrator.status(on: session.connection)
                if self.json {
                    try Output.json(statuses.map { ["version": String($0.version), "name": $0.name, "state": $0.state.rawValue,
                                                    "applied_at": $0.appliedAt ?? ""] })
                } else {
                    Output.table(["VERSION", "FILE", "STATE", "APPLIED AT"],
                                 statuses.map { [String($0.version), $0.name, $0.state.rawValue, $0.appliedAt] })
                }
                if statuses.contains(where: { $0.state == .edited || $0.state == .missing }) {
                    throw SalesOpsError.schemaDrift("some applied schema files were edited or removed")
                }
                return
            }
            let applied = try migrator.migrate(on: session.connection)
            if applied.isEmpty {
                print("schema is up to date (\(migrator.files.count) files)")
            } else {
                applied.forEach { print("applied \($0.name)") }
            }
            if try CitusLayout.isCluster(session.connection) {
                let placements = try CitusLayout(connection: session.connection).currentPlacements()
                let counts = Dictionary(grouping: placements.values, by: { $0 ?? "coordinator" }).mapValues(\.count)
                print("Citus cluster: \(counts["distributed", default: 0]) tables distributed by org_id, "
                      + "\(counts["reference", default: 0]) reference tables, \(counts["coordinator", default: 0]) on the coordinator")
                if try CitusLayout.loginBypassesRowLevelSecurity(session.connection) {
                    FileHandle.standardError.write(Data("""
                        warning: this login is a superuser or has BYPASSRLS; on a Citus cluster the product runs as its own \
                        login, so run salesctl and the API as a login without either (a member of the schema's owner)\n
                        """.utf8))
                }
            }
        }
    }

    /// This process's executable: the kernel's link on Linux (arguments[0] may be a bare
    /// name found on PATH), else arguments[0].
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
