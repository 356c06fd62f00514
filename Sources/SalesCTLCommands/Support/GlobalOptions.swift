import ArgumentParser
import Foundation
import Logging
import PostgresClient

/// Options every command that talks to the database takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL conninfo string or URI. Default: $DATABASE_URL, else libpq's PG* variables.",
        valueName: "url"))
    public var databaseURL: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .warning

    public init() {}

    /// The connection settings these options and the environment select.
    public var connectionConfiguration: ConnectionConfiguration {
        var configuration = ConnectionConfiguration.resolve(databaseURL: self.databaseURL,
                                                            environment: ProcessInfo.processInfo.environment)
        configuration.applicationName = "salesctl"
        return configuration
    }

    /// A logger writing to stderr at the chosen level.
    public var logger: Logger {
        var logger = Logger(label: "salesctl") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = self.logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
