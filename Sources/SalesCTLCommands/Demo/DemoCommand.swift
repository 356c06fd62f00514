import ArgumentParser

/// `salesctl demo ...`
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Generate demo data.", subcommands: [DemoSeed.self])
}
