/// `reps`: external_id*, name*, email*, team_external_id, role, hired_on*, left_on.
enum RepsImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .required("name"), .required("email"), .optional("team_external_id"),
            .vocabulary("role", RepRole.self), .required("hired_on", .date), .optional("left_on", .date),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.duplicateKey(["lower(email)"], reportedAs: "email", what: "email"),
            ImportSQL.unknownExternalID("team_external_id", table: "teams", entity: "team"),
            """
            SELECT line, 'left_on'::text, left_on::text, 'left_on is before hired_on'::text
            FROM import_staging WHERE left_on < hired_on
            """,
            """
            SELECT line, 'email'::text, email, 'not an email address (name@domain)'::text
            FROM import_staging WHERE email !~ '^[^@\\s]+@[^@\\s]+$'
            """,
            """
            SELECT s.line, 'email'::text, s.email, format('rep %s already has this email', r.external_id)
            FROM import_staging s
            JOIN salesops.reps r ON r.org_id = $1 AND lower(r.email) = lower(s.email) AND r.external_id <> s.external_id
            WHERE NOT EXISTS (SELECT 1 FROM import_staging other
                              WHERE other.external_id = r.external_id AND lower(other.email) <> lower(r.email))
            """,
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.reps AS r (id, org_id, external_id, name, email, team_id, role, hired_on, left_on) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "s.line")), s.org_id, s.external_id, s.name, s.email, t.id, COALESCE(s.role, 'ae'), s.hired_on, s.left_on
                FROM import_staging s
                LEFT JOIN salesops.teams t ON t.org_id = s.org_id AND t.external_id = s.team_external_id
                WHERE s.org_id = $1
                ORDER BY s.external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET
                    name = EXCLUDED.name, email = EXCLUDED.email, team_id = EXCLUDED.team_id, role = EXCLUDED.role,
                    hired_on = EXCLUDED.hired_on, left_on = EXCLUDED.left_on
                WHERE (r.name, r.email, r.team_id, r.role, r.hired_on, r.left_on)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.team_id, EXCLUDED.role, EXCLUDED.hired_on, EXCLUDED.left_on)
                RETURNING (r.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )
}
