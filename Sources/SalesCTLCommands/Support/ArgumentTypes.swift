import ArgumentParser
import Foundation
import PostgresClient
import SalesOps

extension LocalDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

/// Lets vocabularies (team kinds, roles, stage kinds...) be parsed and listed as arguments.
extension TeamKind: ExpressibleByArgument {}
extension RepRole: ExpressibleByArgument {}
extension StageKind: ExpressibleByArgument {}
extension ScopeKind: ExpressibleByArgument {}
extension ImportKind: ExpressibleByArgument {}

/// An exact decimal argument (money, probabilities, target values).
struct DecimalArgument: ExpressibleByArgument {
    let value: Decimal

    init?(argument: String) {
        guard let value = DecimalText.parse(argument) else { return nil }
        self.value = value
    }

    /// How `--help` shows a default: the number as typed.
    var defaultValueDescription: String { "\(self.value)" }
}

/// An instant given as RFC 3339 (`2026-11-05T09:30:00Z`), for `deal move --at`.
struct InstantArgument: ExpressibleByArgument {
    let value: Date

    init?(argument: String) {
        guard let value = TimestampFormat.date(argument, strictRFC3339: true) else { return nil }
        self.value = value
    }
}

/// A period label as the CLI writes it: `2026` (fiscal year), `2026-Q3` (fiscal quarter),
/// `2026-11`, `2026-W47` (ISO week) or a day `2026-11-05`, in years 0001–9999 (SPEC §4).
/// Whether the period exists on the org's calendar (week 53, a day of February) is the
/// database's to say.
struct PeriodArgument: ExpressibleByArgument, CustomStringConvertible {
    let label: String

    init?(argument: String) {
        guard PeriodLabel.isWellFormed(argument) else { return nil }
        self.label = argument
    }

    /// Whether the label names a day (targets are set for longer periods only).
    var isDay: Bool { self.label.count == 10 }

    var description: String { self.label }
}

/// A scope as `org`, `team:EXTERNAL_ID` or `rep:EXTERNAL_ID`.
struct ScopeArgument: ExpressibleByArgument {
    let scope: TargetScope

    init?(argument: String) {
        guard let scope = TargetScope(label: argument) else { return nil }
        self.scope = scope
    }

    /// How `--help` shows a default: the label a user would type.
    var defaultValueDescription: String { self.scope.label }
}

/// A local time of day as `HH:MM` (24-hour clock), for `scheduler run --run-at`.
extension LocalTimeOfDay: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}
