/// `spend`: month*, channel*, category*, amount*; keyed by (month, channel, category).
enum SpendImport {
    static let definition = ImportDefinition(
        columns: [
            .required("month", .month), .required("channel"), .vocabulary("category", SpendCategory.self, required: true),
            .required("amount", .decimal(nonNegative: true, fractionDigits: 2)),
        ],
        checks: [
            ImportSQL.duplicateKey(["month", "channel", "category"], reportedAs: "channel",
                                   what: "month, channel and category"),
        ],
        writes: [
            """
            WITH written AS (
                INSERT INTO salesops.spend AS x (id, org_id, month, channel, category, amount) OVERRIDING SYSTEM VALUE
                SELECT \(ImportRowIDs.id(ofLine: "line")), org_id, month, channel, category, amount FROM import_staging
                WHERE org_id = $1
                ORDER BY month, channel, category  -- rows lock in key order, so concurrent imports of the same keys queue instead of deadlocking
                ON CONFLICT (org_id, month, channel, category) DO UPDATE SET amount = EXCLUDED.amount
                WHERE x.amount IS DISTINCT FROM EXCLUDED.amount
                RETURNING (x.xmax = 0) AS inserted
            )
            \(ImportSQL.countWritten)
            """,
        ]
    )
}
