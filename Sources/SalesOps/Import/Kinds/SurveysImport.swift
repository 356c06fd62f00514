/// `surveys`: external_id*, kind*, score*, responded_at*, account_external_id, rep_external_id.
/// nps and enps scores are 0–10, csat 1–5.
enum SurveysImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .vocabulary("kind", SurveyKind.self, required: true),
            .required("score", .integer(0...10)), .required("responded_at", .timestamp),
            .optional("account_external_id"), .optional("rep_external_id"),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("account_external_id", table: "accounts", entity: "account"),
            ImportSQL.unknownExternalID("rep_external_id", table: "reps", entity: "rep"),
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.survey_responses AS v (id, org_id, external_id, kind, score, responded_at, account_id, rep_id) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.external_id, s.kind, s.score, s.responded_at, a.id, r.id
                FROM import_staging s
                LEFT JOIN salesops.accounts a ON a.org_id = s.org_id AND a.external_id = s.account_external_id
                LEFT JOIN salesops.reps r ON r.org_id = s.org_id AND r.external_id = s.rep_external_id
                WHERE s.org_id = $1
                ORDER BY s.external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    kind = EXCLUDED.kind, score = EXCLUDED.score, responded_at = EXCLUDED.responded_at,
                    account_id = EXCLUDED.account_id, rep_id = EXCLUDED.rep_id
                WHERE (v.kind, v.score, v.responded_at, v.account_id, v.rep_id)
                      IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.score, EXCLUDED.responded_at, EXCLUDED.account_id, EXCLUDED.rep_id)
                RETURNING (v.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ],
        rowCheck: { values in
            guard let kind = values["kind"].flatMap(SurveyKind.init(rawValue:)), let score = values["score"].flatMap({ Int($0) }),
                  !kind.scoreRange.contains(score) else { return nil }
            return ("score", "a \(kind.rawValue) score must be \(kind.scoreRange.lowerBound)–\(kind.scoreRange.upperBound)")
        }
    )
}
