/// `forecast_calls`: rep_external_id, team_external_id, period*, category*, amount*,
/// submitted_at* (SPEC §10). A rep's call names the rep (and may name the rep's team); a
/// manager's call leaves the rep empty and names the team. Keyed by (scope, period, category,
/// submitted_at): re-importing a file changes nothing, a new submission adds a row.
enum ForecastCallsImport {
    static let definition = ImportDefinition(
        columns: [
            .optional("rep_external_id"), .optional("team_external_id"), .required("period"),
            .vocabulary("category", ForecastCategory.self, required: true),
            .required("amount", .decimal(nonNegative: true, fractionDigits: 2)),
            .required("submitted_at", .timestamp),
        ],
        checks: [
            ImportSQL.duplicateKey(["rep_external_id", "team_external_id", "period", "category", "submitted_at"],
                                   reportedAs: "submitted_at", what: "call for this scope, period, category and time"),
            ImportSQL.unknownExternalID("rep_external_id", table: "reps", entity: "rep"),
            ImportSQL.unknownExternalID("team_external_id", table: "teams", entity: "team"),
            ImportSQL.invalidPeriod,
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.forecast_calls AS c (id, org_id, scope_kind, rep_id, team_id, period, category, amount, submitted_at) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, CASE WHEN r.id IS NULL THEN 'team' ELSE 'rep' END, r.id, t.id, s.period, s.category, s.amount, s.submitted_at
                FROM import_staging s
                LEFT JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.rep_external_id
                LEFT JOIN salesops.teams t ON t.org_id = s.org_id AND t.external_id = s.team_external_id
                WHERE s.org_id = $1
                ORDER BY 2, COALESCE(r.id, t.id), s.period, s.category, s.submitted_at  -- key order: concurrent imports queue, never deadlock
                ON CONFLICT (org_id, scope_kind, (COALESCE(rep_id, team_id)), period, category, submitted_at)
                DO UPDATE SET amount = EXCLUDED.amount, team_id = EXCLUDED.team_id
                WHERE (c.amount, c.team_id) IS DISTINCT FROM (EXCLUDED.amount, EXCLUDED.team_id)
                RETURNING (c.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ],
        rowCheck: { values in
            values["rep_external_id"] == nil && values["team_external_id"] == nil
                ? ("rep_external_id", "is required unless team_external_id names the team of a manager's call") : nil
        }
    )
}
