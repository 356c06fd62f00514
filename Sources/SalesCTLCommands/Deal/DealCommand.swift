import ArgumentParser
import Foundation
import SalesOps

/// `salesctl deal ...`
struct DealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deal", abstract: "Show deals and move them between stages.",
        subcommands: [DealMove.self, DealShow.self])
}
