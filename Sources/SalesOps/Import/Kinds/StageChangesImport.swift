/// `stage_changes`: deal_external_id*, from_stage, to_stage*, changed_at*. Stages are named
/// within the deal's pipeline; a change is keyed by (deal, to_stage, changed_at).
enum StageChangesImport {
    static let definition = ImportDefinition(
        columns: [
            .required("deal_external_id"), .optional("from_stage"), .required("to_stage"),
            .required("changed_at", .timestamp),
        ],
        checks: [
            ImportSQL.duplicateKey(["deal_external_id", "to_stage", "changed_at"], reportedAs: "changed_at",
                                   what: "move of this deal into this stage at this time"),
            ImportSQL.unknownExternalID("deal_external_id", table: "deals", entity: "deal"),
            """
            SELECT s.line, 'to_stage'::text, s.to_stage, format('the deal''s pipeline %s has no stage with this name', p.name)
            FROM import_staging s
            JOIN salesops.deals d ON d.org_id = s.org_id AND d.external_id = s.deal_external_id
            JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = d.pipeline_id
            WHERE s.org_id = $1
              AND NOT EXISTS (SELECT 1 FROM salesops.stages st WHERE st.org_id = s.org_id AND st.pipeline_id = d.pipeline_id AND st.name = s.to_stage)
            """,
            """
            SELECT s.line, 'from_stage'::text, s.from_stage, format('the deal''s pipeline %s has no stage with this name', p.name)
            FROM import_staging s
            JOIN salesops.deals d ON d.org_id = s.org_id AND d.external_id = s.deal_external_id
            JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = d.pipeline_id
            WHERE s.org_id = $1 AND s.from_stage IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM salesops.stages st WHERE st.org_id = s.org_id AND st.pipeline_id = d.pipeline_id AND st.name = s.from_stage)
            """,
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.deal_stage_changes AS c (id, org_id, deal_id, pipeline_id, from_stage_id, to_stage_id, changed_at) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, d.id, d.pipeline_id, f.id, t.id, s.changed_at
                FROM import_staging s
                JOIN salesops.deals d ON d.org_id = s.org_id AND d.external_id = s.deal_external_id
                JOIN salesops.stages t ON t.org_id = s.org_id AND t.pipeline_id = d.pipeline_id AND t.name = s.to_stage
                LEFT JOIN salesops.stages f ON f.org_id = s.org_id AND f.pipeline_id = d.pipeline_id AND f.name = s.from_stage
                WHERE s.org_id = $1
                ORDER BY d.id, t.id, s.changed_at  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, deal_id, to_stage_id, changed_at) DO UPDATE SET from_stage_id = EXCLUDED.from_stage_id
                WHERE c.from_stage_id IS DISTINCT FROM EXCLUDED.from_stage_id
                RETURNING (c.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )
}
