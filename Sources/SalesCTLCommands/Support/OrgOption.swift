import ArgumentParser

/// The `--org SLUG` option of every command that works inside one org.
struct OrgOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The org's slug.", valueName: "slug"))
    var org: String
}
