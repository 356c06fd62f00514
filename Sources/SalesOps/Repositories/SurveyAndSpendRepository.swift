import Foundation
import PostgresClient

/// Survey responses of the org in context (created by the `surveys` import).
public struct SurveyResponseRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// Responses, newest first; only one kind when given.
    public func list(kind: SurveyKind? = nil, limit: Int = 1000) throws -> [SurveyResponse] {
        try self.session.connection.query("""
            SELECT v.id, v.external_id, v.kind, v.score, v.responded_at, a.external_id AS account_external_id,
                   r.external_id AS rep_external_id
            FROM salesops.survey_responses v
            LEFT JOIN salesops.accounts a ON a.org_id = v.org_id AND a.id = v.account_id
            LEFT JOIN salesops.reps r ON r.org_id = v.org_id AND r.id = v.rep_id
            WHERE \(kind)::text IS NULL OR v.kind = \(kind)
            ORDER BY v.responded_at DESC, v.external_id LIMIT \(limit)
            """).rows.map { row in
            SurveyResponse(id: try row.decode("id"), externalID: try row.decode("external_id"), kind: try row.decode("kind"),
                           score: try row.decode("score"), respondedAt: try row.decode("responded_at"),
                           accountExternalID: try row.decode("account_external_id"), repExternalID: try row.decode("rep_external_id"))
        }
    }
}

/// Monthly spend of the org in context, keyed by (month, channel, category).
public struct SpendRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// Sets the amount of one month, channel and category.
    /// - Throws: `.invalidInput` when `month` is not a first day or `amount` is negative.
    public func set(month: LocalDate, channel: String, category: SpendCategory, amount: Decimal) throws {
        guard month.day == 1 else { throw SalesOpsError.invalidInput("month \(month) must be the first day of a month") }
        guard amount >= 0 else { throw SalesOpsError.invalidInput("spend amount \(amount) must not be negative") }
        try self.session.connection.execute("""
            INSERT INTO salesops.spend AS s (org_id, month, channel, category, amount)
            VALUES (\(self.session.orgID), \(month), \(channel), \(category), \(amount))
            ON CONFLICT (org_id, month, channel, category) DO UPDATE SET amount = EXCLUDED.amount
            WHERE s.amount IS DISTINCT FROM EXCLUDED.amount
            """)
    }

    /// Spend by month, category and channel.
    public func list() throws -> [Spend] {
        try self.session.connection.query("SELECT month, channel, category, amount FROM salesops.spend ORDER BY month, category, channel")
            .rows.map { row in
                Spend(month: try row.decode("month"), channel: try row.decode("channel"), category: try row.decode("category"),
                      amount: try row.decode("amount"))
            }
    }
}
