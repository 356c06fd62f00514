/// SQL fragments shared by the import kinds. Every name passed in is a constant of the
/// import formats (never a user value); user data stays in the staging table and `$1` is
/// the org id.
enum ImportSQL {
    /// Rows whose key repeats the key of an earlier line of the file.
    static func duplicateKey(_ keyColumns: [String], reportedAs column: String, what: String) -> String {
        let partition = keyColumns.joined(separator: ", ")
        return """
            SELECT line, '\(column)'::text, \(column)::text,
                   format('duplicate \(what) in this file (first on line %s)', first_line)
            FROM (SELECT line, \(column), min(line) OVER (PARTITION BY \(partition)) AS first_line
                  FROM import_staging) AS keyed
            WHERE line > first_line
            """
    }

    /// Rows naming an external id that no entity of `table` has (nor, with `orInFile`, any
    /// row of the file itself).
    static func unknownExternalID(_ column: String, table: String, entity: String, orInFile: Bool = false) -> String {
        """
        SELECT s.line, '\(column)'::text, s.\(column)::text, 'no \(entity) with this external id'::text
        FROM import_staging s
        WHERE s.\(column) IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM salesops.\(table) e WHERE e.org_id = $1 AND e.external_id = s.\(column))
        \(orInFile ? "AND NOT EXISTS (SELECT 1 FROM import_staging f WHERE f.external_id = s.\(column))" : "")
        """
    }

    /// Rows whose `period` is not a period label of SPEC §4 on the org's fiscal calendar.
    static let invalidPeriod = """
        SELECT s.line, 'period'::text, s.period,
               'not a period: expected 2026 (fiscal year), 2026-Q3, 2026-11 or 2026-W47 (a week the ISO year has)'::text
        FROM import_staging s
        JOIN salesops.orgs o ON o.id = $1
        WHERE NOT EXISTS (SELECT 1 FROM salesops.period_bounds(s.period, o.fiscal_year_start_month))
        """

    /// Rows whose timestamp `column` lies before `created_at`.
    static func notBeforeCreated(_ column: String) -> String {
        """
        SELECT line, '\(column)'::text, \(column)::text, '\(column) is before created_at'::text
        FROM import_staging WHERE \(column) < created_at
        """
    }

    /// Counts a data-modifying CTE named `written` whose rows say `inserted` (true when new).
    static let countWritten = """
        SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
        FROM written
        """

    /// Follows a data-modifying CTE `upserted` (returning `external_id`, `inserted`): marks the
    /// staging rows it inserted and counts inserted and updated rows.
    static let markInsertedAndCount = """
        , written AS (
            \(ImportStaging.markHead) inserted = u.inserted FROM upserted u
            \(ImportStaging.markFilter)
            RETURNING u.inserted
        )
        \(countWritten)
        """

    /// Points `column` of `table` at the entity the staging column `stagedExternalID` names
    /// (an entity of the same table, stored or imported in the same file). Rows inserted by
    /// this import are not counted again as updated.
    static func linkSelfReference(table: String, column: String, stagedExternalID: String) -> String {
        """
        WITH linked AS (
            UPDATE salesops.\(table) t SET \(column) = target.id
            FROM import_staging s
            LEFT JOIN salesops.\(table) target ON target.org_id = $1 AND target.external_id = s.\(stagedExternalID)
            WHERE t.org_id = $1 AND t.external_id = s.external_id AND t.\(column) IS DISTINCT FROM target.id
            RETURNING s.inserted
        )
        SELECT 0 AS inserted, count(*) FILTER (WHERE inserted IS NULL) AS updated FROM linked
        """
    }
}
