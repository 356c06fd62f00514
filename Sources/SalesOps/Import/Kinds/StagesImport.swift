/// `stages`: pipeline*, name*, position*, kind*, probability. Pipelines named for the first
/// time are created. Stages are keyed by (pipeline, name).
enum StagesImport {
    static let definition = ImportDefinition(
        columns: [
            .required("pipeline"), .required("name"), .required("position", .integer(-1_000_000...1_000_000)),
            .vocabulary("kind", StageKind.self, required: true),
            .optional("probability", .decimal(nonNegative: true, fractionDigits: 2)),
        ],
        checks: [
            ImportSQL.duplicateKey(["pipeline", "name"], reportedAs: "name", what: "stage of this pipeline"),
            ImportSQL.duplicateKey(["pipeline", "position"], reportedAs: "position", what: "position in this pipeline"),
            """
            SELECT line, 'probability'::text, probability::text, 'probability must be 0–100'::text
            FROM import_staging WHERE probability > 100
            """,
            // A stored stage keeps its position unless the file moves it; the file may not
            // put another stage there.
            """
            SELECT s.line, 'position'::text, s.position::text, format('stage %s of this pipeline is at this position', st.name)
            FROM import_staging s
            JOIN salesops.pipelines p ON p.org_id = $1 AND p.name = s.pipeline
            JOIN salesops.stages st ON st.org_id = $1 AND st.pipeline_id = p.id AND st.position = s.position AND st.name <> s.name
            WHERE NOT EXISTS (SELECT 1 FROM import_staging moved WHERE moved.pipeline = s.pipeline AND moved.name = st.name)
            """,
            """
            SELECT s.line, 'kind'::text, s.kind,
                   format('%s deals in this stage would no longer match its kind (closed_at is set iff won or lost)', count(*))
            FROM import_staging s
            JOIN salesops.pipelines p ON p.org_id = $1 AND p.name = s.pipeline
            JOIN salesops.stages st ON st.org_id = $1 AND st.pipeline_id = p.id AND st.name = s.name AND st.kind <> s.kind
            JOIN salesops.deals d ON d.org_id = $1 AND d.stage_id = st.id
            WHERE (s.kind IN ('won', 'lost')) <> (d.closed_at IS NOT NULL)
            GROUP BY s.line, s.kind
            """,
        ],
        writes: [
            """
            INSERT INTO salesops.pipelines (id, org_id, name) OVERRIDING SYSTEM VALUE
            SELECT \(ImportRowIDs.id(ofLine: "min(line)")), org_id, pipeline FROM import_staging
            WHERE org_id = $1
            GROUP BY org_id, pipeline
            ORDER BY 3  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
            ON CONFLICT (org_id, name) DO NOTHING
            """,
            """
            WITH written AS (
                INSERT INTO salesops.stages AS st (id, org_id, pipeline_id, name, position, kind, probability) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, p.id, s.name, s.position, s.kind,
                       -- A searched CASE: Citus prints a CASE with a test expression wrongly when it
                       -- sends the statement to a node whole ("operator does not exist: text = boolean").
                       COALESCE(s.probability, CASE WHEN s.kind = 'won' THEN 100 WHEN s.kind = 'lost' THEN 0 ELSE 10 END)
                FROM import_staging s
                JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.name = s.pipeline
                WHERE s.org_id = $1
                ORDER BY p.id, s.name  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, pipeline_id, name) DO UPDATE SET
                    position = EXCLUDED.position, kind = EXCLUDED.kind, probability = EXCLUDED.probability
                WHERE (st.position, st.kind, st.probability)
                      IS DISTINCT FROM (EXCLUDED.position, EXCLUDED.kind, EXCLUDED.probability)
                RETURNING (st.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
            // Deals in a stage whose kind changed take the new kind in the same transaction; the
            // key between them is checked at commit (sql/035), the closed_at rule here (and
            // first by the checks above).
            """
            WITH moved AS (
                UPDATE salesops.deals d SET stage_kind = st.kind
                FROM salesops.stages st
                WHERE d.org_id = $1 AND st.org_id = d.org_id AND st.id = d.stage_id AND d.stage_kind <> st.kind
                RETURNING 1
            )
            SELECT 0 AS inserted, 0 AS updated FROM (SELECT count(*) FROM moved) AS done
            """,
        ]
    )
}
