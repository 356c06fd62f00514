import PostgresClient

/// The closed vocabularies of the data model (SPEC §3), one spelling across SQL, CSV and CLI.
public protocol Vocabulary: RawRepresentable, CaseIterable, Sendable, Codable, PostgresEncodable, PostgresDecodable
where RawValue == String {}

extension Vocabulary {
    public static var postgresType: PostgresDataType { .unspecified }
    public var postgresText: String { self.rawValue }

    public init?(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingMismatch) {
        guard type.isTextual else { throw PostgresDecodingMismatch() }
        self.init(rawValue: text)
    }

    /// Parses a spelling, or throws a message naming the field and the accepted spellings.
    public static func parse(_ text: String, field: String) throws -> Self {
        guard let value = Self(rawValue: text) else {
            throw SalesOpsError.invalidInput("\(field) '\(text)' is not one of: \(Self.spellings)")
        }
        return value
    }

    /// The accepted spellings, for messages: `a, b, c`.
    public static var spellings: String { Self.allCases.map(\.rawValue).joined(separator: ", ") }
}

public enum TeamKind: String, Vocabulary {
    case field, bdr, sdr, accountManagement = "account_management", other
}

public enum RepRole: String, Vocabulary {
    case ae, bdr, sdr, am, manager
}

public enum StageKind: String, Vocabulary {
    case open, won, lost

    /// The default probability of a stage of this kind (percent).
    public var defaultProbability: Int {
        switch self {
        case .open: 10
        case .won: 100
        case .lost: 0
        }
    }

    /// Whether a deal in a stage of this kind is closed.
    public var isClosed: Bool { self != .open }
}

public enum DealType: String, Vocabulary {
    case new, upsell, crossSell = "cross_sell", renewal
}

public enum ActivityKind: String, Vocabulary {
    case call, email, meeting, demo, proposal, other
}

public enum ActivityOutcome: String, Vocabulary {
    case none, positiveReply = "positive_reply", negativeReply = "negative_reply", accepted, declined, completed
    case noShow = "no_show"
}

public enum SurveyKind: String, Vocabulary {
    case nps, csat, enps

    /// The scores a response of this kind may have.
    public var scoreRange: ClosedRange<Int> { self == .csat ? 1...5 : 0...10 }
}

public enum SpendCategory: String, Vocabulary {
    case marketing, sales
}

public enum ScopeKind: String, Vocabulary {
    case org, team, rep
}

/// What a forecast call commits to (SPEC §10): the amount the caller is sure of, or the
/// amount reachable if the likely deals close.
public enum ForecastCategory: String, Vocabulary {
    case commit
    case bestCase = "best_case"
}
