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
            WHERE v.org_id = \(self.session.orgID) AND (\(kind)::text IS NULL OR v.kind = \(kind))
            ORDER BY v.responded_at DESC, v.external_id LIMIT \(limit)
            """).rows.map { row in
            SurveyResponse(id: try row.decode("id"), externalID: try row.decode("external_id"), kind: try row.decode("kind"),
                           score: try row.decode("score"), respondedAt: try row.decode("responded_at"),
                           accountExternalID: try row.decode("account_external_id"), repExternalID: try row.decode("rep_external_id"))
        }
    }
}
