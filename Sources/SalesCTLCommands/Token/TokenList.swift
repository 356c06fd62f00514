import ArgumentParser
import SalesOps

/// `salesctl token list --org SLUG [--json]`: never shows a secret.
struct TokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an org's API tokens (never their secrets).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.org.org)
            let tokens = try TokenRepository(connection: session.connection).list(orgID: org.id)
            if self.json { return try Output.json(tokens) }
            Output.table(["id", "name", "role", "created_at", "expires_at", "last_used_at", "revoked_at"], tokens.map {
                [String($0.id), $0.name, $0.role.rawValue, Output.instant($0.createdAt), Output.instant($0.expiresAt),
                 Output.instant($0.lastUsedAt), Output.instant($0.revokedAt)]
            })
        }
    }
}
