/// `accounts`: external_id*, name*, owner_rep_external_id, region, source,
/// referred_by_external_id, churned_at. A referrer may be stored or in the same file.
enum AccountsImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .required("name"), .optional("owner_rep_external_id"), .optional("region"),
            .optional("source"), .optional("referred_by_external_id"), .optional("churned_at", .timestamp),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("owner_rep_external_id", table: "reps", entity: "rep"),
            ImportSQL.unknownExternalID("referred_by_external_id", table: "accounts", entity: "account", orInFile: true),
            """
            SELECT line, 'referred_by_external_id'::text, referred_by_external_id, 'an account cannot refer itself'::text
            FROM import_staging WHERE referred_by_external_id = external_id
            """,
        ],
        writes: [
            """
            WITH upserted AS (
                INSERT INTO salesops.accounts AS a (id, org_id, external_id, name, owner_rep_id, region, source, churned_at) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.external_id, s.name, r.id, s.region, s.source, s.churned_at
                FROM import_staging s
                LEFT JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.owner_rep_external_id
                WHERE s.org_id = $1
                ORDER BY s.external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    name = EXCLUDED.name, owner_rep_id = EXCLUDED.owner_rep_id, region = EXCLUDED.region,
                    source = EXCLUDED.source, churned_at = EXCLUDED.churned_at
                WHERE (a.name, a.owner_rep_id, a.region, a.source, a.churned_at)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.owner_rep_id, EXCLUDED.region, EXCLUDED.source, EXCLUDED.churned_at)
                RETURNING a.external_id, (a.xmax = 0) AS inserted
            )
            \(ImportSQL.markInsertedAndCount)
            """,
            ImportSQL.linkSelfReference(table: "accounts", column: "referred_by_id", stagedExternalID: "referred_by_external_id"),
        ]
    )
}
