/// `activities`: external_id*, rep_external_id*, kind*, occurred_at*, lead_external_id,
/// account_external_id, deal_external_id, outcome.
enum ActivitiesImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .required("rep_external_id"), .vocabulary("kind", ActivityKind.self, required: true),
            .required("occurred_at", .timestamp), .optional("lead_external_id"), .optional("account_external_id"),
            .optional("deal_external_id"), .vocabulary("outcome", ActivityOutcome.self),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("rep_external_id", table: "reps", entity: "rep"),
            ImportSQL.unknownExternalID("lead_external_id", table: "leads", entity: "lead"),
            ImportSQL.unknownExternalID("account_external_id", table: "accounts", entity: "account"),
            ImportSQL.unknownExternalID("deal_external_id", table: "deals", entity: "deal"),
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.activities AS x (id, org_id, external_id, rep_id, kind, occurred_at, lead_id, account_id,
                                                      deal_id, outcome) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.external_id, r.id, s.kind, s.occurred_at, l.id, a.id, d.id, COALESCE(s.outcome, 'none')
                FROM import_staging s
                JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.rep_external_id
                LEFT JOIN salesops.leads l ON l.org_id = s.org_id AND l.external_id = s.lead_external_id
                LEFT JOIN salesops.accounts a ON a.org_id = s.org_id AND a.external_id = s.account_external_id
                LEFT JOIN salesops.deals d ON d.org_id = s.org_id AND d.external_id = s.deal_external_id
                WHERE s.org_id = $1
                ORDER BY s.external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    rep_id = EXCLUDED.rep_id, kind = EXCLUDED.kind, occurred_at = EXCLUDED.occurred_at,
                    lead_id = EXCLUDED.lead_id, account_id = EXCLUDED.account_id, deal_id = EXCLUDED.deal_id,
                    outcome = EXCLUDED.outcome
                WHERE (x.rep_id, x.kind, x.occurred_at, x.lead_id, x.account_id, x.deal_id, x.outcome)
                      IS DISTINCT FROM (EXCLUDED.rep_id, EXCLUDED.kind, EXCLUDED.occurred_at, EXCLUDED.lead_id,
                       EXCLUDED.account_id, EXCLUDED.deal_id, EXCLUDED.outcome)
                RETURNING (x.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )
}
