/// `deals`: external_id*, name, account_external_id*, owner_rep_external_id*, pipeline*,
/// stage*, amount*, type, product, contract_months, created_at*, closed_at, expected_close_on.
/// Importing deals records no stage changes (history comes from `stage_changes`).
enum DealsImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .optional("name"), .required("account_external_id"),
            .required("owner_rep_external_id"), .required("pipeline"), .required("stage"),
            .required("amount", .decimal(nonNegative: true, fractionDigits: 2)), .vocabulary("type", DealType.self),
            .optional("product"), .optional("contract_months", .integer(1...1200)),
            .required("created_at", .timestamp), .optional("closed_at", .timestamp),
            .optional("expected_close_on", .date),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("account_external_id", table: "accounts", entity: "account"),
            ImportSQL.unknownExternalID("owner_rep_external_id", table: "reps", entity: "rep"),
            """
            SELECT s.line, 'pipeline'::text, s.pipeline, 'no pipeline with this name'::text
            FROM import_staging s
            WHERE NOT EXISTS (SELECT 1 FROM salesops.pipelines p WHERE p.org_id = $1 AND p.name = s.pipeline)
            """,
            """
            SELECT s.line, 'stage'::text, s.stage, format('pipeline %s has no stage with this name', s.pipeline)
            FROM import_staging s
            JOIN salesops.pipelines p ON p.org_id = $1 AND p.name = s.pipeline
            WHERE NOT EXISTS (SELECT 1 FROM salesops.stages st WHERE st.org_id = $1 AND st.pipeline_id = p.id AND st.name = s.stage)
            """,
            """
            SELECT s.line, 'closed_at'::text, s.closed_at::text,
                   CASE WHEN st.kind = 'open' THEN format('closed_at must be empty: stage %s is open', st.name)
                        ELSE format('closed_at is required: stage %s is %s', st.name, st.kind) END
            FROM import_staging s
            JOIN salesops.pipelines p ON p.org_id = $1 AND p.name = s.pipeline
            JOIN salesops.stages st ON st.org_id = $1 AND st.pipeline_id = p.id AND st.name = s.stage
            WHERE (st.kind IN ('won', 'lost')) <> (s.closed_at IS NOT NULL)
            """,
            ImportSQL.notBeforeCreated("closed_at"),
            """
            SELECT s.line, 'pipeline'::text, s.pipeline, 'the deal has stage history in another pipeline'::text
            FROM import_staging s
            JOIN salesops.deals d ON d.org_id = $1 AND d.external_id = s.external_id
            JOIN salesops.pipelines p ON p.org_id = $1 AND p.id = d.pipeline_id
            WHERE p.name <> s.pipeline
              AND EXISTS (SELECT 1 FROM salesops.deal_stage_changes c WHERE c.org_id = $1 AND c.deal_id = d.id)
            """,
        ],
        writes: [
            // Keys the org already has: an upsert in key order, so concurrent imports of the
            // same keys queue on their row locks instead of deadlocking.
            """
            WITH written AS (
                INSERT INTO salesops.deals AS d (\(columns)) OVERRIDING SYSTEM VALUE
                SELECT * FROM (\(resolved)) AS r
                WHERE EXISTS (SELECT 1 FROM salesops.deals e WHERE e.org_id = r.org_id AND e.external_id = r.external_id)
                ORDER BY r.external_id
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    name = EXCLUDED.name, account_id = EXCLUDED.account_id, owner_rep_id = EXCLUDED.owner_rep_id,
                    pipeline_id = EXCLUDED.pipeline_id, stage_id = EXCLUDED.stage_id, stage_kind = EXCLUDED.stage_kind,
                    amount = EXCLUDED.amount, type = EXCLUDED.type, product = EXCLUDED.product,
                    contract_months = EXCLUDED.contract_months, created_at = EXCLUDED.created_at, closed_at = EXCLUDED.closed_at,
                    expected_close_on = EXCLUDED.expected_close_on
                WHERE (d.name, d.account_id, d.owner_rep_id, d.pipeline_id, d.stage_id, d.amount, d.type, d.product,
                       d.contract_months, d.created_at, d.closed_at, d.expected_close_on)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.account_id, EXCLUDED.owner_rep_id, EXCLUDED.pipeline_id,
                       EXCLUDED.stage_id, EXCLUDED.amount, EXCLUDED.type, EXCLUDED.product, EXCLUDED.contract_months,
                       EXCLUDED.created_at, EXCLUDED.closed_at, EXCLUDED.expected_close_on)
                RETURNING (d.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
            // New keys: a plain insert, without the upsert's speculative insertion (most of a
            // first import). A concurrent import inserting the same new key makes this one
            // fail with a unique violation, and the importer runs it again: the key then exists.
            """
            WITH written AS (
                INSERT INTO salesops.deals (\(columns)) OVERRIDING SYSTEM VALUE
                SELECT * FROM (\(resolved)) AS r
                WHERE NOT EXISTS (SELECT 1 FROM salesops.deals e WHERE e.org_id = r.org_id AND e.external_id = r.external_id)
                ORDER BY r.external_id
                RETURNING true AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )

    /// The stored columns, in the order `resolved` selects them.
    static let columns = "id, org_id, external_id, name, account_id, owner_rep_id, pipeline_id, stage_id, stage_kind, amount, type, "
        + "product, contract_months, created_at, closed_at, expected_close_on"

    /// The staged rows with their references resolved to ids (every reference was checked).
    static let resolved = """
        SELECT \(ImportRowIDs.id(ofLine: "s.line")) AS id, s.org_id, s.external_id, s.name, a.id AS account_id, r.id AS owner_rep_id, p.id AS pipeline_id,
               st.id AS stage_id, st.kind AS stage_kind, s.amount, COALESCE(s.type, 'new') AS type, s.product,
               COALESCE(s.contract_months, 12) AS contract_months, s.created_at, s.closed_at, s.expected_close_on
        FROM import_staging s
        JOIN salesops.accounts a ON a.org_id = s.org_id AND a.external_id = s.account_external_id
        JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.owner_rep_external_id
        JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.name = s.pipeline
        JOIN salesops.stages st ON st.org_id = s.org_id AND st.pipeline_id = p.id AND st.name = s.stage
        WHERE s.org_id = $1
        """
}
