import ArgumentParser
import PostgresClient
import SalesOps

/// `salesctl rep ...`
struct RepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rep", abstract: "Add, list and update reps, and record when they leave.",
        subcommands: [RepAdd.self, RepList.self, RepUpdate.self, RepLeave.self])

    static func print(_ reps: [Rep]) {
        Swift.print(self.rendering(reps).table, terminator: "")
    }

    /// Reps as a table, JSON or CSV.
    static func rendering(_ reps: [Rep]) -> Rendering {
        let header = ["EXTERNAL ID", "NAME", "EMAIL", "TEAM", "ROLE", "HIRED ON", "LEFT ON"]
        let rows = reps.map { [$0.externalID, $0.name, $0.email, $0.teamExternalID, $0.role.rawValue,
                               $0.hiredOn.description, $0.leftOn?.description] }
        return Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: reps)
    }
}
