extension TargetScope {
    /// Parses a scope as the CLI and API write it: `org`, `team:EXTERNAL_ID` or `rep:EXTERNAL_ID`.
    public init?(label: String) {
        let parts = label.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("org", 1): self = .org
        case ("team", 2) where !parts[1].isEmpty: self = .team(parts[1])
        case ("rep", 2) where !parts[1].isEmpty: self = .rep(parts[1])
        default: return nil
        }
    }

    /// The scope as the CLI and API write it.
    public var label: String {
        self.kind.rawValue + (self.externalID.map { ":" + $0 } ?? "")
    }
}

/// Period labels as the CLI, the CSV and the API write them (SPEC §4): `2026` (fiscal year),
/// `2026-Q3`, `2026-11`, `2026-W47`, and for KPI reads also a day `2026-11-05`.
public enum PeriodLabel {
    /// Whether `label` has the shape of a period label in years 0001–9999 (year 0000 does
    /// not exist on PostgreSQL's calendar; whether a day or ISO week exists is checked by the
    /// database).
    public static func isWellFormed(_ label: String, allowingDays: Bool = true) -> Bool {
        let day = allowingDays ? "|-[0-9]{2}-[0-9]{2}" : ""
        return !label.hasPrefix("0000")
            && label.range(of: #"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2])|-W(0[1-9]|[1-4][0-9]|5[0-3])"# + day + ")?$",
                           options: .regularExpression) != nil
    }
}
