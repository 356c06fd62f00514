import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep ...`
struct RepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rep", abstract: "Add, list and update reps, and record when they leave.",
        subcommands: [RepAdd.self, RepList.self, RepUpdate.self, RepLeave.self])

    static func print(_ reps: [Rep]) {
        Output.table(["EXTERNAL ID", "NAME", "EMAIL", "TEAM", "ROLE", "HIRED ON", "LEFT ON"],
                     reps.map { [$0.externalID, $0.name, $0.email, $0.teamExternalID, $0.role.rawValue,
                                 $0.hiredOn.description, $0.leftOn?.description] })
    }
}
