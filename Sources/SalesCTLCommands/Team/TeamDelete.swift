import ArgumentParser
import SalesOps

/// `salesctl team delete`: Delete a team that has no reps or sub-teams.
struct TeamDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a team that has no reps or sub-teams.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The team's external id.")
    var externalId: String

    func run() throws {
        try reportingErrors {
            try Session.open(self.global).inOrg(self.scope.org) { try TeamRepository(session: $0).delete(externalID: self.externalId) }
            print("deleted team \(self.externalId)")
        }
    }
}
