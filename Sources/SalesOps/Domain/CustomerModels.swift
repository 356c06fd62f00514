import Foundation
import PostgresClient

/// A company the org sells to.
public struct Account: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var name: String
    public var ownerRepExternalID: String?
    public var region: String?
    public var source: String?
    public var referredByExternalID: String?
    public var churnedAt: Date?
}

/// A prospect moving through lifecycle stages.
public struct Lead: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var name: String?
    public var email: String?
    public var source: String?
    public var ownerRepExternalID: String?
    public var createdAt: Date
    public var mqlAt: Date?
    public var sqlAt: Date?
    public var firstResponseAt: Date?
    public var convertedAt: Date?
    public var accountExternalID: String?
    public var disqualifiedAt: Date?
}

/// A call, email, meeting, demo or proposal by a rep.
public struct Activity: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var repExternalID: String
    public var kind: ActivityKind
    public var occurredAt: Date
    public var leadExternalID: String?
    public var accountExternalID: String?
    public var dealExternalID: String?
    public var outcome: ActivityOutcome
}

/// One NPS, CSAT or eNPS answer.
public struct SurveyResponse: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var kind: SurveyKind
    public var score: Int
    public var respondedAt: Date
    public var accountExternalID: String?
    public var repExternalID: String?
}

/// Marketing or sales cost of one channel in one month.
public struct Spend: Sendable, Equatable, Codable {
    public var month: LocalDate
    public var channel: String
    public var category: SpendCategory
    public var amount: Decimal
}
