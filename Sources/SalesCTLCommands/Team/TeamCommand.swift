import ArgumentParser
import SalesOps

/// `salesctl team ...`
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Create, list, update and delete teams.",
        subcommands: [TeamCreate.self, TeamList.self, TeamUpdate.self, TeamDelete.self])

    static func print(_ teams: [Team]) {
        Swift.print(self.rendering(teams).table, terminator: "")
    }

    /// Teams as a table, JSON or CSV.
    static func rendering(_ teams: [Team]) -> Rendering {
        let header = ["EXTERNAL ID", "NAME", "PARENT", "KIND"]
        let rows = teams.map { [$0.externalID, $0.name, $0.parentExternalID, $0.kind.rawValue] }
        return Rendering(table: Output.renderTable(header, rows), header: header, rows: rows, json: teams)
    }
}
