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
    /// The shape: `YYYY`, `YYYY-Qq` (1–4), `YYYY-MM` (01–12), `YYYY-Www` (01–53) or, with
    /// `allowingDays`, `YYYY-DD-DD` (two digits each).
    public static func isWellFormed(_ label: String, allowingDays: Bool = true) -> Bool {
        let bytes = Array(label.utf8)
        func digit(_ index: Int) -> Int? {
            index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 ? Int(bytes[index] - 0x30) : nil
        }
        guard bytes.count >= 4, (0..<4).allSatisfy({ digit($0) != nil }), !label.hasPrefix("0000") else { return false }
        if bytes.count == 4 { return true }
        guard bytes[4] == UInt8(ascii: "-") else { return false }
        switch bytes.count {
        case 7 where bytes[5] == UInt8(ascii: "Q"):
            return digit(6).map { (1...4).contains($0) } ?? false
        case 7:
            guard let tens = digit(5), let ones = digit(6) else { return false }
            return (1...12).contains(tens * 10 + ones)
        case 8 where bytes[5] == UInt8(ascii: "W"):
            guard let tens = digit(6), let ones = digit(7) else { return false }
            return (1...53).contains(tens * 10 + ones)
        case 10 where allowingDays:
            return digit(5) != nil && digit(6) != nil && bytes[7] == UInt8(ascii: "-") && digit(8) != nil && digit(9) != nil
        default:
            return false
        }
    }
}
