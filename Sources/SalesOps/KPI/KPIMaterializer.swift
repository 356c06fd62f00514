import PostgresClient

/// What one org's materialization did.
public struct MaterializationReport: Sendable, Equatable, Codable {
    public var org: String
    public var from: LocalDate
    public var to: LocalDate
    /// Periods covered (days, weeks, months, fiscal quarters and years).
    public var periods: Int
    /// Stored fact rows inserted, changed or removed (a stored row holds the values of one period
    /// and scope, sql/029); 0 when nothing changed.
    public var rowsWritten: Int
}

/// Materializes an org's KPI facts for a window of local days, as of its last day, and
/// stores the forecasts as of that day (`ForecastHistory`, `kpi.forecasts`).
///
/// All of it runs in one REPEATABLE READ transaction per org, holding the org's row of
/// `salesops_meta.org_locks`: every family reads the same snapshot (an import committing
/// mid-run is seen by none of them), a concurrent reader sees the old values or the new,
/// never a mixture, and a failure leaves the old values. When another run of the same org
/// committed facts after this run's snapshot (SQLSTATE 40001), the run starts over on a
/// new snapshot, at most `serializationRetries` times. Unchanged rows are not rewritten; rows whose metric has become zero or null are
/// removed (facts are sparse).
public struct KPIMaterializer {
    let connection: Connection
    let catalogue: MetricCatalogue

    /// - Parameters:
    ///   - connection: a connection not inside a transaction.
    ///   - catalogue: the metrics and the families that compute them.
    public init(connection: Connection, catalogue: MetricCatalogue = .standard) {
        self.connection = connection
        self.catalogue = catalogue
    }

    /// The org's local yesterday, the default last day of a window.
    public func localYesterday(of org: Org) throws -> LocalDate {
        try self.connection.query("SELECT (salesops.local_day(now(), \(org.timezone)) - 1) AS day").rows[0].decode("day")
    }

    /// Computes every day in [from, to] and every week, month, fiscal quarter and fiscal year
    /// containing one of those days, as of `to`.
    /// - Parameters:
    ///   - dryRun: compute from the raw tables but store nothing; `rowsWritten` then
    ///     counts the facts computed (what a live report over the raw tables has to do).
    ///   - keepingForecasts: also store the forecasts as of `to` (`kpi.forecasts`); false
    ///     leaves the kept forecasts as they are.
    ///   - beforeCommit: runs inside the transaction after the facts are written (not on a dry
    ///     run), so work that must commit with them, or not at all, can join; throwing rolls
    ///     everything back.
    /// - Throws: `.invalidInput` when `from` is after `to`.
    public func materialize(org: Org, from: LocalDate, to: LocalDate, dryRun: Bool = false, keepingForecasts: Bool = true,
                            beforeCommit: ((Connection, MaterializationReport) throws -> Void)? = nil) throws -> MaterializationReport {
        guard from <= to else { throw SalesOpsError.invalidInput("--from \(from) is after --to \(to)") }
        var attempt = 0
        while true {
            do {
                return try self.materializeOnce(org: org, from: from, to: to, dryRun: dryRun, keepingForecasts: keepingForecasts,
                                                beforeCommit: beforeCommit)
            } catch where attempt < Self.serializationRetries && (Self.isSerializationFailure(error) || ShardMove.interrupted(error)) {
                attempt += 1
                let reason = ShardMove.interrupted(error) ? "a shard of the org moved during the run" : "another run of the org committed first"
                self.connection.logger.info("kpi: \(reason); starting over on a new snapshot",
                                            metadata: ["org": "\(org.slug)", "attempt": "\(attempt)"])
            }
        }
    }

    /// Runs after each family, inside the run's transaction (tests use it to commit other work mid-run).
    var afterFamily: ((String) throws -> Void)?

    /// How often a run starts over after a serialization failure.
    static let serializationRetries = 3

    static func isSerializationFailure(_ error: any Error) -> Bool {
        failed(with: [.serializationFailure], error)
    }

    private func materializeOnce(org: Org, from: LocalDate, to: LocalDate, dryRun: Bool, keepingForecasts: Bool,
                                 beforeCommit: ((Connection, MaterializationReport) throws -> Void)?) throws -> MaterializationReport {
        try self.connection.withTenant(org.id, isolation: .repeatableRead) { session in
            let connection = session.connection
            // Materializations of one org queue here; no tenant-reachable role can lock this row.
            // Updating it (rather than only locking it) makes a run whose snapshot is older than
            // another run's commit fail here at once (40001) and start over.
            try connection.execute("UPDATE salesops_meta.org_locks SET materialized_at = statement_timestamp() WHERE org_id = \(org.id)")
            // Every other lock is bounded: a lock held elsewhere fails the run (SQLSTATE 55P03,
            // a temporary failure) instead of hanging it. A SET command, not set_config: on a
            // cluster Citus passes a transaction's SET LOCAL on to the workers, where the run's
            // statements wait for their locks (the value is an integer, printed as digits).
            try connection.execute("SET LOCAL lock_timeout = \(unescaped: String(self.lockTimeoutMilliseconds))")
            try connection.execute("SET LOCAL work_mem = \(unescaped: Self.workMemory)")
            // The run's statements are planned once and run once over estimates that are often
            // far off; compiling them (JIT) took 0.67 s of deal_history's 1.18 s in a two-year
            // backfill and bought nothing back. On a cluster the workers get it too (SET LOCAL).
            try connection.execute("SET LOCAL jit = off")
            // The run's tables (sql/028 says what each holds, sql/038 where they live).
            let distributed = try connection.isDistributed()
            if distributed {
                try connection.execute("SELECT set_config('search_path', 'kpi_run, ' || current_setting('search_path'), true)")
            }
            try connection.execute("SELECT kpi.prepare_run(\(org.id), \(from)::date, \(to)::date)")
            if distributed {
                // prepare_run analyzes them itself on one node, where they are its temporary tables.
                try Self.analyzeRunTables(["kpi_periods", "kpi_window", "kpi_rep_scopes", "kpi_day_periods"], org: org.id,
                                          distributed: true, on: connection)
            }
            let clock = ContinuousClock()
            for family in self.catalogue.families {
                let started = clock.now
                let rows = try connection.execute(family.query(FamilyInput(id: org.id, timeZone: org.timezone, distributed: distributed)))
                connection.logger.debug("kpi: family computed", metadata: [
                    "org": "\(org.slug)", "family": "\(family.name)", "rows": "\(rows)", "elapsed": "\(clock.now - started)",
                ])
                try self.afterFamily?(family.name)
            }
            if dryRun {
                let computed: Int = try connection.query("""
                    SELECT (SELECT count(*) FROM kpi_new_facts WHERE org_id = \(org.id))
                         + (SELECT count(*) FROM kpi_new_stage_facts WHERE org_id = \(org.id))
                         + (SELECT count(*) FROM kpi_new_breakdown_facts WHERE org_id = \(org.id)) AS facts
                    """).rows[0].decode("facts")
                let periods: Int = try connection.query("SELECT count(*) AS n FROM kpi_periods WHERE org_id = \(org.id)").rows[0].decode("n")
                try connection.execute("SELECT kpi.finish_run(\(org.id))")
                return MaterializationReport(org: org.slug, from: from, to: to, periods: periods, rowsWritten: computed)
            }
            // The transaction's start as the session sees it (the scheduler's success proof
            // compares computed_at with it, sql/019). Read here, as text so it returns exact: on a
            // cluster the statement below runs on the org's node, whose now() is its own
            // transaction's start.
            let transactionStart: String = try connection.query("SELECT now()::text AS started").rows[0].decode("started")
            let periods = try connection.execute("""
                INSERT INTO kpi.materialized_periods AS m (org_id, period_kind, period_start, period_end, as_of, computed_at)
                SELECT p.org_id, p.period_kind, p.period_start, p.period_end, \(to)::date, \(transactionStart)::timestamptz FROM kpi_periods p
                WHERE p.org_id = \(FactStore.orgLiteral(org.id))
                ON CONFLICT (org_id, period_kind, period_start) DO UPDATE SET as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at
                """)
            // A small sample: what reads these tables needs their size and their keys' spread,
            // and the default sample of 30,000 rows took a third of a second of a backfill.
            try Self.analyzeRunTables(["kpi_new_facts", "kpi_new_stage_facts", "kpi_new_breakdown_facts"], org: org.id,
                                      distributed: distributed, statisticsTarget: 10, on: connection)
            try self.checkMetricNames(orgID: org.id, on: connection)
            var started = clock.now
            let rowsWritten = try FactStore(distributed: distributed).replaceCoveredPeriods(orgID: org.id, on: connection) { table, written in
                connection.logger.debug("kpi: facts replaced", metadata: [
                    "org": "\(org.slug)", "table": "\(table)", "rows": "\(written)", "elapsed": "\(clock.now - started)",
                ])
                started = clock.now
            }
            if keepingForecasts {
                started = clock.now
                let forecasts = try ForecastHistory(session: session).store(night: to, org: org)
                connection.logger.debug("kpi: forecasts stored", metadata: [
                    "org": "\(org.slug)", "rows": "\(forecasts)", "elapsed": "\(clock.now - started)",
                ])
            }
            try connection.execute("SELECT kpi.finish_run(\(org.id))")
            let report = MaterializationReport(org: org.slug, from: from, to: to, periods: periods, rowsWritten: rowsWritten)
            try beforeCommit?(connection, report)
            return report
        }
    }

    /// Refuses a run whose facts name a metric no family declares, or one missing from the
    /// catalogue (a defect of the engine, not of the data): one set-based check instead of a
    /// foreign key per row.
    func checkMetricNames(orgID: Int64, on connection: Connection) throws {
        let unknown = try connection.query("""
            SELECT n.metric FROM (SELECT DISTINCT metric FROM kpi_new_facts WHERE org_id = \(orgID)) n
            WHERE n.metric <> ALL(\(self.catalogue.materializedMetrics)::text[])
               OR NOT EXISTS (SELECT 1 FROM salesops.metrics m WHERE m.name = n.metric)
            ORDER BY 1
            """).rows.map { try $0.decode("metric", as: String.self) }
        guard unknown.isEmpty else { throw KPIEngineError.unknownMetrics(unknown) }
    }

    /// Gives the planner statistics of a run's `tables` once they hold the run's rows. On one node
    /// they are temporary tables, analyzed whole. On a cluster only the org's shards are, on the
    /// org's node, in a statement routed there (sql/041): an ANALYZE of the tables would visit
    /// every shard, find the others empty and plan the next runs of their orgs for one row.
    /// - Parameter statisticsTarget: the `default_statistics_target` to sample with (the
    ///   server's when nil); 10 samples 3,000 rows.
    static func analyzeRunTables(_ tables: [String], org: Int64, distributed: Bool, statisticsTarget: Int? = nil,
                                 on connection: Connection) throws {
        if let statisticsTarget {
            try connection.execute("SET LOCAL default_statistics_target = \(unescaped: String(statisticsTarget))")
        }
        defer { if statisticsTarget != nil { _ = try? connection.execute("RESET default_statistics_target") } }
        if distributed {
            try connection.execute("""
                SELECT kpi.analyze_run_tables(w.org_id, \(tables)::text[]) FROM kpi_window w WHERE w.org_id = \(FactStore.orgLiteral(org))
                """)
        } else {
            try connection.execute("ANALYZE \(unescaped: tables.joined(separator: ", "))")
        }
    }

    /// Memory each sort or hash of the run may use before spilling to disk (`work_mem`, for this
    /// transaction only): the families group and join millions of rows on a long backfill; with
    /// the server's default 4 MB they spill to disk (64 MB took a 200-rep one-year run from 147 s
    /// to 112 s in one measurement).
    static let workMemory = "'64MB'"

    /// How long a run waits for any lock other than its org's own (a table lock taken by
    /// another session, say) before it fails with SQLSTATE 55P03.
    public var lockTimeout: Duration = .seconds(30)

    var lockTimeoutMilliseconds: Int64 {
        let (seconds, attoseconds) = self.lockTimeout.components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// Defects of the KPI engine itself (exit 70), as opposed to bad input.
public enum KPIEngineError: Error, Sendable, CustomStringConvertible {
    /// Computed facts name metrics the catalogue (`salesops.metrics`) does not have.
    case unknownMetrics([String])
    /// The build lacks a family's statement file.
    case missingStatement(String)
    /// A family's statement lacks the shape the engine relies on (its name, what is missing).
    case malformedStatement(String, String)

    public var description: String {
        switch self {
        case let .unknownMetrics(names): "the KPI engine computed metrics its families do not declare or the catalogue lacks: \(names.joined(separator: ", "))"
        case let .missingStatement(name): "the KPI engine's statement Families/\(name).sql is missing from this build"
        case let .malformedStatement(name, problem): "the KPI engine's statement Families/\(name).sql \(problem)"
        }
    }
}
