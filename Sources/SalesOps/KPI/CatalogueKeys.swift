import PostgresClient

/// The small keys the stored facts use for the catalogues (sql/029): each metric's id
/// (`salesops.metrics`) and each breakdown series' id (`kpi.breakdown_series`), as parallel
/// arrays a statement binds instead of joining the catalogue tables. The catalogues change
/// only by migration; a run reads them once.
struct CatalogueKeys: Sendable, Equatable {
    var metricNames: [String] = []
    var metricIDs: [Int] = []
    var seriesDimensions: [String] = []
    var seriesMetrics: [String] = []
    var seriesIDs: [Int] = []

    /// Reads both catalogues, in one statement.
    static func read(on connection: Connection) throws -> CatalogueKeys {
        var keys = CatalogueKeys()
        for row in try connection.query("""
            SELECT 'metric' AS catalogue, NULL::text AS dimension, name AS metric, id FROM salesops.metrics
            UNION ALL
            SELECT 'series', dimension, metric, id FROM kpi.breakdown_series
            ORDER BY 1, 4
            """).rows {
            if try row.decode("catalogue", as: String.self) == "metric" {
                keys.metricNames.append(try row.decode("metric"))
                keys.metricIDs.append(try row.decode("id"))
            } else {
                keys.seriesDimensions.append(try row.decode("dimension"))
                keys.seriesMetrics.append(try row.decode("metric"))
                keys.seriesIDs.append(try row.decode("id"))
            }
        }
        return keys
    }
}
