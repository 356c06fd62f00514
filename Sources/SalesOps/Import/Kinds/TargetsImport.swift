/// `targets`: scope*, scope_external_id, metric*, period*, value*. scope_external_id names the
/// team or rep and is empty for `org`; periods are `2026`, `2026-Q3`, `2026-11` or `2026-W47`.
enum TargetsImport {
    static let definition = ImportDefinition(
        columns: [
            .vocabulary("scope", ScopeKind.self, required: true), .optional("scope_external_id"),
            .required("metric"), .required("period"),
            .required("value", .decimal(nonNegative: false, fractionDigits: 6)),
        ],
        checks: [
            ImportSQL.duplicateKey(["scope", "scope_external_id", "metric", "period"], reportedAs: "period",
                                   what: "target for this scope, metric and period"),
            """
            SELECT s.line, 'scope_external_id'::text, s.scope_external_id, 'no team with this external id'::text
            FROM import_staging s
            WHERE s.scope = 'team'
              AND NOT EXISTS (SELECT 1 FROM salesops.teams t WHERE t.org_id = $1 AND t.external_id = s.scope_external_id)
            """,
            """
            SELECT s.line, 'scope_external_id'::text, s.scope_external_id, 'no rep with this external id'::text
            FROM import_staging s
            WHERE s.scope = 'rep'
              AND NOT EXISTS (SELECT 1 FROM salesops.reps r WHERE r.org_id = $1 AND r.external_id = s.scope_external_id)
            """,
            """
            SELECT s.line, 'metric'::text, s.metric, 'not a metric of the KPI catalogue'::text
            FROM import_staging s
            WHERE NOT EXISTS (SELECT 1 FROM salesops.metrics m WHERE m.name = s.metric)
            """,
            ImportSQL.invalidPeriod,
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.targets AS t (id, org_id, scope_kind, team_id, rep_id, metric, period, value) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.scope, tm.id, r.id, s.metric, s.period, s.value
                FROM import_staging s
                LEFT JOIN salesops.teams tm ON s.scope = 'team' AND tm.org_id = s.org_id AND tm.external_id = s.scope_external_id
                LEFT JOIN salesops.reps r ON s.scope = 'rep' AND r.org_id = s.org_id AND r.external_id = s.scope_external_id
                WHERE s.org_id = $1
                ORDER BY s.scope, tm.id, r.id, s.metric, s.period  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, scope_kind, team_id, rep_id, metric, period) DO UPDATE SET value = EXCLUDED.value
                WHERE t.value IS DISTINCT FROM EXCLUDED.value
                RETURNING (t.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ],
        rowCheck: { values in
            let externalID = values["scope_external_id"]
            switch values["scope"] {
            case "org" where externalID != nil:
                return ("scope_external_id", "must be empty for scope org")
            case "team" where externalID == nil, "rep" where externalID == nil:
                return ("scope_external_id", "is required for scope \(values["scope"] ?? "")")
            default:
                return nil
            }
        }
    )
}
