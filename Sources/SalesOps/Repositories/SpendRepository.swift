import Foundation
import PostgresClient

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
        try self.session.connection.query("""
            SELECT month, channel, category, amount FROM salesops.spend WHERE org_id = \(self.session.orgID)
            ORDER BY month, category, channel
            """)
            .rows.map { row in
                Spend(month: try row.decode("month"), channel: try row.decode("channel"), category: try row.decode("category"),
                      amount: try row.decode("amount"))
            }
    }
}
