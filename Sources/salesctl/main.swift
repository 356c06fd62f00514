import ArgumentParser
import SalesCTLCommands

/// Runs an async root command (`serve` is async). Called through a generic constrained to
/// `AsyncParsableCommand` so the async `main()` is chosen over `ParsableCommand`'s.
func start<Command: AsyncParsableCommand>(_: Command.Type) async {
    await Command.main()
}

await start(SalesCTL.self)
