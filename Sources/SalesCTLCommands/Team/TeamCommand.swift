import ArgumentParser
import SalesOps

/// `salesctl team ...`
struct TeamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Create, list, update and delete teams.",
        subcommands: [TeamCreate.self, TeamList.self, TeamUpdate.self, TeamDelete.self])

    static func print(_ teams: [Team]) {
        Output.table(["EXTERNAL ID", "NAME", "PARENT", "KIND"],
                     teams.map { [$0.externalID, $0.name, $0.parentExternalID, $0.kind.rawValue] })
    }
}
