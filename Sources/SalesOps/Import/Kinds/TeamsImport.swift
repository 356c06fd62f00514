/// `teams`: external_id*, name*, parent_external_id, kind. A parent may be a team already
/// stored or one defined anywhere in the same file.
enum TeamsImport {
    static let definition = ImportDefinition(
        columns: [
            .required("external_id"), .required("name"), .optional("parent_external_id"),
            .vocabulary("kind", TeamKind.self),
        ],
        checks: [
            ImportSQL.duplicateKey(["external_id"], reportedAs: "external_id", what: "external id"),
            ImportSQL.unknownExternalID("parent_external_id", table: "teams", entity: "team", orInFile: true),
            """
            SELECT line, 'parent_external_id'::text, parent_external_id, 'a team cannot be its own parent'::text
            FROM import_staging WHERE parent_external_id = external_id
            """,
            // The parent graph after the import (the file's rows over the stored ones) must
            // have no loop through any team of the file.
            """
            WITH RECURSIVE final_parents (external_id, parent_external_id) AS (
                SELECT external_id, parent_external_id FROM import_staging
                UNION ALL
                SELECT t.external_id, p.external_id
                FROM salesops.teams t
                LEFT JOIN salesops.teams p ON p.org_id = t.org_id AND p.id = t.parent_id
                WHERE t.org_id = $1 AND NOT EXISTS (SELECT 1 FROM import_staging s WHERE s.external_id = t.external_id)
            ), walk (start, current, depth) AS (
                SELECT external_id, parent_external_id, 1 FROM import_staging
                WHERE parent_external_id IS NOT NULL AND parent_external_id <> external_id
                UNION ALL
                SELECT walk.start, f.parent_external_id, walk.depth + 1
                FROM walk JOIN final_parents f ON f.external_id = walk.current
                WHERE f.parent_external_id IS NOT NULL AND walk.current <> walk.start AND walk.depth < 10000
            )
            SELECT s.line, 'parent_external_id'::text, s.parent_external_id, 'the parent chain loops back to this team'::text
            FROM import_staging s
            WHERE EXISTS (SELECT 1 FROM walk w WHERE w.start = s.external_id AND w.current = s.external_id)
            """,
        ],
        writes: [
            """
            WITH upserted AS (
                INSERT INTO salesops.teams AS t (id, org_id, external_id, name, kind) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "line")), org_id, external_id, name, COALESCE(kind, 'field') FROM import_staging
                WHERE org_id = $1
                ORDER BY external_id  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, external_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind
                WHERE (t.name, t.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)
                RETURNING t.external_id, (t.xmax = 0) AS inserted
            )
            \(ImportSQL.markInsertedAndCount)
            """,
            ImportSQL.linkSelfReference(table: "teams", column: "parent_id", stagedExternalID: "parent_external_id"),
        ]
    )
}
