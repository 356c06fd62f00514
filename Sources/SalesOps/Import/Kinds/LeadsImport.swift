/// `leads`: external_id*, name, email, source, owner_rep_external_id, created_at*, mql_at,
/// sql_at, first_response_at, converted_at, account_external_id, disqualified_at.
enum LeadsImport {
    static let milestones = ["mql_at", "sql_at", "first_response_at", "converted_at", "disqualified_at"]

    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .optional("name"), .optional("email"), .optional("source"),
            .optional("owner_rep_external_id"), .required("created_at", .timestamp),
            .optional("mql_at", .timestamp), .optional("sql_at", .timestamp), .optional("first_response_at", .timestamp),
            .optional("converted_at", .timestamp), .optional("account_external_id"), .optional("disqualified_at", .timestamp),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("owner_rep_external_id", table: "reps", entity: "rep"),
            ImportSQL.unknownExternalID("account_external_id", table: "accounts", entity: "account"),
        ] + milestones.map(ImportSQL.notBeforeCreated),
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.leads AS l (id, org_id, external_id, name, email, source, owner_rep_id, created_at, mql_at,
                                                 sql_at, first_response_at, converted_at, account_id, disqualified_at) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.external_id, s.name, s.email, s.source, r.id, s.created_at, s.mql_at,
                       s.sql_at, s.first_response_at, s.converted_at, a.id, s.disqualified_at
                FROM import_staging s
                LEFT JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.owner_rep_external_id
                LEFT JOIN salesops.accounts a ON a.org_id = s.org_id AND a.external_id = s.account_external_id
                WHERE s.org_id = $1
                ORDER BY s.external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    name = EXCLUDED.name, email = EXCLUDED.email, source = EXCLUDED.source,
                    owner_rep_id = EXCLUDED.owner_rep_id, created_at = EXCLUDED.created_at, mql_at = EXCLUDED.mql_at,
                    sql_at = EXCLUDED.sql_at, first_response_at = EXCLUDED.first_response_at,
                    converted_at = EXCLUDED.converted_at, account_id = EXCLUDED.account_id,
                    disqualified_at = EXCLUDED.disqualified_at
                WHERE (l.name, l.email, l.source, l.owner_rep_id, l.created_at, l.mql_at, l.sql_at, l.first_response_at,
                       l.converted_at, l.account_id, l.disqualified_at)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.source, EXCLUDED.owner_rep_id,
                       EXCLUDED.created_at, EXCLUDED.mql_at, EXCLUDED.sql_at, EXCLUDED.first_response_at,
                       EXCLUDED.converted_at, EXCLUDED.account_id, EXCLUDED.disqualified_at)
                RETURNING (l.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )
}
