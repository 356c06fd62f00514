import ArgumentParser
import Foundation
import SalesOps

struct DealMove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a deal to a stage of its pipeline, recording the stage change.",
        discussion: "Entering a won or lost stage sets closed_at to the move time; entering an open stage clears it.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The deal's external id.")
    var externalId: String

    @Option(help: "The stage to move to (by name, in the deal's pipeline).")
    var to: String

    @Option(help: "When the move happened, RFC 3339 (default: now).")
    var at: InstantArgument?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let deal = try Session.open(self.global).inOrg(self.scope.org) { session in
                try DealRepository(session: session).move(externalID: self.externalId, toStage: self.to, at: self.at?.value ?? Date())
            }
            if self.json { try Output.json(deal) } else { DealShow.print(deal, history: nil) }
        }
    }
}
