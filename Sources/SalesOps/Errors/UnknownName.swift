/// A name that is not among the ones it must be one of — a metric, a dimension, a stage, a
/// team or a rep — with the nearest known names and the list to look in. The CLI and the
/// API each name their own way to that list (`salesctl kpi metrics`, `GET /v1/catalogue`).
public struct UnknownName: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the known names are listed.
    public enum Listing: String, Sendable {
        /// The KPI catalogue's metrics (catalogue, stage metrics and breakdowns).
        case metrics
        /// The breakdown dimensions of a metric.
        case dimensions
        /// The org's pipelines and their stages.
        case stages
        /// The org's teams.
        case teams
        /// The org's reps.
        case reps
    }

    /// What the name should have been, e.g. `metric`, `team`, `dimension`.
    public var kind: String
    public var name: String
    /// The reason it is not, e.g. `is not in the KPI catalogue`.
    public var reason: String
    /// The nearest known names, nearest first (at most three).
    public var suggestions: [String]
    public var listing: Listing
    /// Whether the name is a missing entity of the org (404 over HTTP) rather than a bad argument (400).
    public var isMissingEntity: Bool

    /// An unknown name, with the known names it is compared with.
    public init(kind: String, name: String, reason: String, known: some Sequence<String>, listing: Listing, isMissingEntity: Bool = false) {
        self.kind = kind
        self.name = name
        self.reason = reason
        self.suggestions = NameSuggestion.nearest(to: name, among: known)
        self.listing = listing
        self.isMissingEntity = isMissingEntity
    }

    /// The message, ending in where to look: `message(lookIn: "'salesctl kpi metrics' lists them")`.
    public func message(lookIn: String?) -> String {
        var text = "\(self.kind) '\(self.name)' \(self.reason)"
        if !self.suggestions.isEmpty {
            text += "; did you mean " + self.suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
        }
        if let lookIn { text += " (\(lookIn))" }
        return text
    }

    public var description: String { self.message(lookIn: nil) }
}

/// The known names nearest to a mistyped one.
public enum NameSuggestion {
    /// Up to `limit` of `known` within a few edits of `name` (case ignored), nearest first;
    /// when none is, the known names that contain the given one or are contained in it,
    /// shortest first (`deal_size` → `average_deal_size`).
    /// Bounded for any input: names longer than `maximumLength` bytes get no suggestions, and
    /// a candidate whose length is too far off is not compared letter by letter.
    public static func nearest(to name: String, among known: some Sequence<String>, limit: Int = 3) -> [String] {
        let wanted = Array(name.lowercased().utf8)
        guard !wanted.isEmpty, wanted.count <= Self.maximumLength else { return [] }
        let allowed = max(2, wanted.count / 3)
        var near: [(distance: Int, name: String)] = []
        var containing: [String] = []
        for candidate in Set(known) where candidate != name && candidate.utf8.count <= Self.maximumLength {
            let lowered = Array(candidate.lowercased().utf8)
            let distance = abs(lowered.count - wanted.count) > allowed ? allowed + 1 : self.editDistance(wanted, lowered)
            if distance <= allowed {
                near.append((distance, candidate))
            } else if wanted.count >= 3, Self.contains(lowered, wanted) || Self.contains(wanted, lowered) {
                containing.append(candidate)
            }
        }
        if near.isEmpty {
            return containing.sorted { ($0.count, $0) < ($1.count, $1) }.prefix(limit).map { $0 }
        }
        return near.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }.prefix(limit).map(\.name)
    }

    /// The longest name, in UTF-8 bytes, compared for suggestions (longer ones are not typos of a name).
    static let maximumLength = 64

    /// Levenshtein distance of two byte strings.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
