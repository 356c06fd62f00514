import ArgumentParser
import SalesOps

/// `salesctl token list --org SLUG [--json]`: never shows a secret.
struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an org's API tokens (never their secrets).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.org.org)
            let tokens = try TokenRepository(connection: session.connection).list(orgID: org.id)
            let header = ["ID", "NAME", "ROLE", "CREATED AT", "EXPIRES AT", "LAST USED AT", "REVOKED AT"]
            let rows = tokens.map {
                [String($0.id), $0.name, $0.role.rawValue, Output.instant($0.createdAt), Output.instant($0.expiresAt),
                 Output.instant($0.lastUsedAt), Output.instant($0.revokedAt)]
            }
            try Output.print(Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: tokens),
                             as: self.output.format)
        }
    }
}
