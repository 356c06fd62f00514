import Foundation
import PostgresClient

/// A metric of the catalogue as a tenant sees it (`GET /v1/catalogue`).
public struct CatalogueEntry: Sendable, Equatable {
    public var name: String
    public var aggregation: String
    public var lowerIsBetter: Bool
    /// Whether the engine writes facts for it (a catalogue metric not materialized has none).
    public var materialized: Bool
}

/// One night of the org's nightly runs, as the org itself may read it.
public struct OrgNightRun: Sendable, Equatable {
    public var night: LocalDate
    /// `running`, `succeeded` or `failed`.
    public var status: String
    public var attempts: Int
    public var startedAt: Date
    public var finishedAt: Date?
    public var rowsWritten: Int64?
    public var nextAttemptAt: Date?
}

/// What the API and the dashboard read about the session's own org: its row, the metric
/// catalogue, its nightly runs and its latest materialized month. Every statement names the
/// org explicitly; row-level security is the second guard.
public struct TenantOrgRecords {
    let session: TenantSession
    let catalogue: MetricCatalogue

    public init(session: TenantSession, catalogue: MetricCatalogue = .standard) {
        self.session = session
        self.catalogue = catalogue
    }

    /// The session's org.
    public func org() throws -> Org {
        try OrgRepository.decode(self.session.connection.query("""
            SELECT \(unescaped: OrgRepository.columns) FROM salesops.orgs WHERE id = \(self.session.orgID)
            """).rows[0])
    }

    /// Every catalogue metric by name, with whether it is materialized.
    public func catalogueEntries() throws -> [CatalogueEntry] {
        try self.session.connection.query("""
            SELECT name, aggregation, lower_is_better, name = ANY(\(self.catalogue.materializedMetrics)::text[]) AS materialized
            FROM salesops.metrics ORDER BY name
            """).rows.map { row in
            CatalogueEntry(name: try row.decode("name"), aggregation: try row.decode("aggregation"),
                           lowerIsBetter: try row.decode("lower_is_better"), materialized: try row.decode("materialized"))
        }
    }

    /// The org's latest nights, newest first (a night retried keeps one record).
    public func nightRuns(limit: Int) throws -> [OrgNightRun] {
        try self.session.connection.query("""
            SELECT night, status, attempts, started_at, finished_at, rows_written, next_attempt_at
            FROM salesops.scheduler_runs WHERE org_id = \(self.session.orgID)
            ORDER BY night DESC, started_at DESC LIMIT \(limit)
            """).rows.map { row in
            OrgNightRun(night: try row.decode("night"), status: try row.decode("status"), attempts: try row.decode("attempts"),
                        startedAt: try row.decode("started_at"), finishedAt: try row.decode("finished_at"),
                        rowsWritten: try row.decode("rows_written"), nextAttemptAt: try row.decode("next_attempt_at"))
        }
    }

    /// The start of the latest materialized month, nil when none is.
    public func latestMaterializedMonth() throws -> LocalDate? {
        try self.session.connection.query("""
            SELECT period_start FROM kpi.materialized_periods
            WHERE org_id = \(self.session.orgID) AND period_kind = 'month' ORDER BY period_start DESC LIMIT 1
            """).singleRow()?.decode("period_start")
    }
}
