import ArgumentParser
import SalesOps

/// `salesctl token revoke --org SLUG ID`
struct TokenRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token; it is refused from then on.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @Argument(help: "The token's id (see token list).")
    var id: Int64

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.org.org)
            let token = try TokenRepository(connection: session.connection).revoke(orgID: org.id, id: self.id)
            print("revoked token \(token.id) (\(token.name)) of org \(org.slug)")
        }
    }
}
