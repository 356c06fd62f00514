import ArgumentParser
import SalesOps

/// `salesctl token ...`: API tokens of an org (SPEC §9).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke an org's API tokens.",
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self]
    )
}

extension TokenRole: ExpressibleByArgument {}
