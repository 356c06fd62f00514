import ArgumentParser
import SalesOps

/// `salesctl token create --org SLUG --role reader|admin --name NAME [--expires-in DAYS]`
struct TokenCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API token; prints the token alone on stdout, once (only its hash is stored)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var org: OrgOption

    @Option(help: "reader (reads) or admin (also writes targets, teams, reps, imports).")
    var role: TokenRole

    @Option(help: "A name to recognise the token by (1–100 characters).")
    var name: String

    @Option(name: .customLong("expires-in"), help: ArgumentHelp("Days until the token stops working (1–3650). Default: never.", valueName: "days"))
    var expiresInDays: Int?

    func validate() throws {
        if let days = self.expiresInDays, !(1...3650).contains(days) {
            throw ValidationError("--expires-in \(days) must be 1–3650 days")
        }
        if self.name.trimmingCharacters(in: .whitespaces).isEmpty || self.name.count > 100 {
            throw ValidationError("--name must be 1–100 characters")
        }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let org = try session.org(self.org.org)
            let issued = try TokenRepository(connection: session.connection)
                .create(orgID: org.id, name: self.name, role: self.role, expiresInDays: self.expiresInDays)
            print(issued.secret)
        }
    }
}
