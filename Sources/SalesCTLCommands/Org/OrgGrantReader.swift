import ArgumentParser
import Foundation
import SalesOps

/// `salesctl org grant-reader SLUG --role NAME [--password-file F]`
struct OrgGrantReader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant-reader",
        abstract: "Create (or bind) a PostgreSQL login role that reads this org's KPI views and nothing else.",
        discussion: """
            The role reads kpi.metric_values, kpi.stage_metrics, kpi.breakdowns and kpi.target_attainment of
            its own org only, whatever it sets; it gets a connection limit and statement, lock and
            idle-in-transaction timeouts. Needs a login that may create roles.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @Option(help: ArgumentHelp("Login role name (lower-case letters, digits, _).", valueName: "name"))
    var role: String

    @Option(help: ArgumentHelp("File whose first line is the role's password (sent only as a SCRAM verifier).", valueName: "file"))
    var passwordFile: String?

    @Option(help: "Most concurrent connections of the role (1–100).")
    var connectionLimit: Int = ReaderRoleSettings().connectionLimit

    func validate() throws {
        if self.role.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) == nil {
            throw ValidationError("--role '\(self.role)' must be 1–63 lower-case letters, digits or _, not starting with a digit")
        }
        if self.role.hasPrefix("salesops") || self.role.hasPrefix("pg_") {
            throw ValidationError("--role '\(self.role)' may not start with salesops or pg_ (reserved names)")
        }
        if !(1...100).contains(self.connectionLimit) {
            throw ValidationError("--connection-limit \(self.connectionLimit) must be 1–100")
        }
    }

    func run() throws {
        try reportingErrors {
            let password = try self.passwordFile.map(Self.readPassword)
            let session = try Session.open(self.global)
            let org = try session.org(self.slug)
            var settings = ReaderRoleSettings()
            settings.connectionLimit = self.connectionLimit
            let outcome = try ReaderRoles(connection: session.connection)
                .grantReader(role: self.role, orgID: org.id, password: password, settings: settings)
            print("\(outcome == .created ? "created" : "bound") reader role \(self.role) for org \(org.slug)")
        }
    }

    /// The first line of the file, which must not be empty.
    static func readPassword(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4096 else {
            throw SalesOpsError.invalidInput("--password-file \(path): cannot read it (or it is over 4 KiB)")
        }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) } ?? ""
        guard !line.isEmpty else { throw SalesOpsError.invalidInput("--password-file \(path): the first line is empty") }
        return line
    }
}

/// `salesctl org revoke-reader SLUG --role NAME`
struct OrgRevokeReader: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-reader",
        abstract: "Remove a reader role of this org (dropped if grant-reader created it)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @Option(help: ArgumentHelp("The reader's login role name.", valueName: "name"))
    var role: String

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.slug)
            try ReaderRoles(connection: session.connection).revokeReader(role: self.role, orgID: org.id)
            print("revoked reader role \(self.role) of org \(org.slug)")
        }
    }
}
