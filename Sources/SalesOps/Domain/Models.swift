import Foundation
import PostgresClient

/// A tenant.
public struct Org: Sendable, Equatable, Codable {
    public var id: Int64
    public var slug: String
    public var name: String
    public var timezone: String
    public var currency: String
    public var fiscalYearStartMonth: Int
    public var createdAt: Date
}

/// A team; `parentExternalID` names the team it belongs to.
public struct Team: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var name: String
    public var parentExternalID: String?
    public var kind: TeamKind
}

/// A sales rep.
public struct Rep: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var name: String
    public var email: String
    public var teamExternalID: String?
    public var role: RepRole
    public var hiredOn: LocalDate
    public var leftOn: LocalDate?
}

/// A pipeline with its stages in position order.
public struct Pipeline: Sendable, Equatable, Codable {
    public var id: Int64
    public var name: String
    public var stages: [Stage]
}

/// A stage of a pipeline.
public struct Stage: Sendable, Equatable, Codable {
    public var id: Int64
    public var pipeline: String
    public var name: String
    public var position: Int
    public var kind: StageKind
    /// Percent, 0–100.
    public var probability: Decimal
}

/// A deal (opportunity).
public struct Deal: Sendable, Equatable, Codable {
    public var id: Int64
    public var externalID: String
    public var name: String?
    public var accountExternalID: String
    public var ownerRepExternalID: String
    public var pipeline: String
    public var stage: String
    public var stageKind: StageKind
    /// In the org's currency, exact.
    public var amount: Decimal
    public var type: DealType
    public var product: String?
    public var contractMonths: Int
    public var createdAt: Date
    public var closedAt: Date?
    /// When the owner expects an open deal to close: today's value only, without history.
    public var expectedCloseOn: LocalDate?
}

/// One move of a deal between stages.
public struct StageChange: Sendable, Equatable, Codable {
    public var dealExternalID: String
    public var fromStage: String?
    public var toStage: String
    public var changedAt: Date
}

/// A quota: a value for a metric over a period, for the org, a team or a rep.
public struct Target: Sendable, Equatable, Codable {
    public var id: Int64
    public var scopeKind: ScopeKind
    public var scopeExternalID: String?
    public var metric: String
    public var period: String
    public var periodKind: String
    public var periodStart: LocalDate?
    public var periodEnd: LocalDate?
    public var value: Decimal
}
