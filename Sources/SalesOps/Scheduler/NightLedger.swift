import Foundation
import PostgresClient

/// A night this process holds the lease of.
public struct ClaimedNight: Sendable, Hashable {
    public var org: Org
    /// The org's local date whose KPIs the night materializes.
    public var night: LocalDate
    /// Proves the lease is still this claim's: a rescue by another process replaces it.
    public var leaseToken: UUID
    /// Attempts so far, this one included.
    public var attempts: Int

    public static func == (lhs: ClaimedNight, rhs: ClaimedNight) -> Bool { lhs.leaseToken == rhs.leaseToken }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.leaseToken) }
}

/// The run records of `salesops.scheduler_runs`: claiming due nights, renewing and
/// releasing leases, and recording outcomes.
///
/// Due-ness is decided by the scheduler's clock (a parameter); lease expiry and retry times
/// by the database's clock, which every process shares.
struct NightLedger {
    let connection: Connection

    /// Claims up to `limit` due nights, oldest run time first, at most one per org: each
    /// org's earliest night that has not succeeded, when its run time has passed at `now`
    /// and it is not leased by a live holder nor waiting out a failure's delay. Nights of
    /// one org therefore run in order, one at a time.
    ///
    /// One transaction of three statements: pick the due nights, locking their orgs' rows
    /// of `salesops_meta.org_locks` (claimers racing each other skip the orgs another is
    /// claiming or materializing right now), claim them in the run records, and write their
    /// leases. Each is a plain statement of one node's tables on a Citus cluster too (the run
    /// records, leases and locks live on the coordinator with a copy of the org registry).
    func claim(limit: Int, now: Date, runAt: LocalTimeOfDay, worker: String, lease: Duration) throws -> [ClaimedNight] {
        try self.connection.withSchedulerRole { connection in
            // Subqueries, not CTEs: Citus plans a CTE of this statement apart, without its parameters.
            let picked = try connection.query("""
                SELECT d.org_id, d.night FROM (
                    SELECT n.org_id, n.night, n.due_at FROM (
                        SELECT o.id AS org_id, x.night,
                               salesops.scheduler_night_due_at(x.night, \(runAt.description)::time, o.timezone) AS due_at
                        FROM salesops.orgs o
                        CROSS JOIN LATERAL (
                            SELECT g::date AS night
                            FROM generate_series(salesops.scheduler_first_night(o.created_at, o.timezone),
                                                 salesops.local_day(\(now)::timestamptz, o.timezone) - 1,
                                                 interval '1 day') AS g
                            WHERE NOT EXISTS (SELECT 1 FROM salesops.scheduler_runs s
                                              WHERE s.org_id = o.id AND s.night = g::date AND s.status = 'succeeded')
                            ORDER BY g
                            LIMIT 1
                        ) x
                    ) n
                    WHERE n.due_at <= \(now)::timestamptz
                      AND NOT EXISTS (SELECT 1 FROM salesops.scheduler_runs s
                                      WHERE s.org_id = n.org_id AND s.night = n.night
                                        AND ((s.status = 'running'
                                              AND salesops.scheduler_lease_expiry(s.org_id, s.night, s.lease_token, s.lease_expires_at)
                                                  >= statement_timestamp())
                                          OR (s.status = 'failed' AND s.next_attempt_at > statement_timestamp())))
                ) d
                -- Only product sessions can lock these rows; the locks last until the claim commits.
                JOIN salesops_meta.org_locks l ON l.org_id = d.org_id
                ORDER BY d.due_at, d.org_id
                LIMIT \(limit)
                FOR NO KEY UPDATE OF l SKIP LOCKED
                """).rows
            guard !picked.isEmpty else { return [] }
            let orgIDs = try picked.map { try $0.decode("org_id", as: Int64.self) }
            let nights = try picked.map { try $0.decode("night", as: LocalDate.self) }
            let claimed = try connection.query("""
                INSERT INTO salesops.scheduler_runs AS r
                    (org_id, night, status, attempts, worker, lease_token, started_at, heartbeat_at, lease_expires_at)
                SELECT p.org_id, p.night, 'running', 1, \(worker), gen_random_uuid(), statement_timestamp(), statement_timestamp(),
                       statement_timestamp() + \(lease.milliseconds) * interval '1 millisecond'
                FROM unnest(\(orgIDs)::bigint[], \(nights)::date[]) AS p (org_id, night)
                ON CONFLICT (org_id, night) DO UPDATE
                SET status = 'running', attempts = r.attempts + 1, worker = EXCLUDED.worker,
                    lease_token = EXCLUDED.lease_token, started_at = EXCLUDED.started_at,
                    heartbeat_at = EXCLUDED.heartbeat_at, lease_expires_at = EXCLUDED.lease_expires_at,
                    finished_at = NULL, next_attempt_at = NULL, rows_written = NULL
                -- The run's row as it is now: claimed by another process since the pick, it holds
                -- a fresh expiry or a new status. Its lease row's heartbeats were checked by the
                -- pick. "Now" is this statement's start (EXCLUDED.started_at): Citus takes no
                -- clock function, and no parameter, in this clause.
                WHERE (r.status = 'failed' AND r.next_attempt_at <= EXCLUDED.started_at)
                   OR (r.status = 'running' AND r.lease_expires_at < EXCLUDED.started_at)
                RETURNING r.org_id, r.night, r.lease_token, r.attempts, r.lease_expires_at
                """).rows
            guard !claimed.isEmpty else { return [] }
            let claimedOrgs = try claimed.map { try $0.decode("org_id", as: Int64.self) }
            let tokens = try claimed.map { try $0.decode("lease_token", as: UUID.self).uuidString }
            // The lease row heartbeats extend (the run's own row is left to the night's success mark).
            try connection.execute("""
                INSERT INTO salesops.scheduler_leases AS l (org_id, night, lease_token, heartbeat_at, lease_expires_at)
                SELECT r.org_id, r.night, r.lease_token, statement_timestamp(), r.lease_expires_at
                FROM salesops.scheduler_runs r
                WHERE r.org_id = ANY(\(claimedOrgs)::bigint[]) AND r.lease_token = ANY(\(tokens)::text[]::uuid[])
                ON CONFLICT (org_id, night) DO UPDATE
                SET lease_token = EXCLUDED.lease_token, heartbeat_at = EXCLUDED.heartbeat_at,
                    lease_expires_at = EXCLUDED.lease_expires_at
                """)
            let rows = try connection.query("""
                SELECT \(unescaped: OrgRepository.columns.split(separator: ",").map { "o." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                       r.night, r.lease_token, r.attempts
                FROM salesops.scheduler_runs r
                JOIN salesops.orgs o ON o.id = r.org_id
                WHERE r.org_id = ANY(\(claimedOrgs)::bigint[]) AND r.lease_token = ANY(\(tokens)::text[]::uuid[])
                ORDER BY r.night, o.id
                """).rows
            return try rows.map { row in
                ClaimedNight(org: try OrgRepository.decode(row), night: try row.decode("night"),
                             leaseToken: try row.decode("lease_token"), attempts: try row.decode("attempts"))
            }
        }
    }

    /// How many nights are running (in any process, lease live or not): work that, once
    /// finished or rescued, may make further nights claimable.
    func runningNights() throws -> Int {
        try self.connection.withSchedulerRole { connection in
            try connection.query("SELECT count(*) AS n FROM salesops.scheduler_runs WHERE status = 'running'").rows[0].decode("n")
        }
    }

    /// The earliest instant after `now` at which an org's local clock reaches the run time
    /// (computed on each org's local calendar, so DST days are not 24 hours); nil when no
    /// org exists.
    func nextRunTime(after now: Date, runAt: LocalTimeOfDay) throws -> Date? {
        try self.connection.withSchedulerRole { connection in
            try connection.query("""
                SELECT min(CASE WHEN today_run > \(now)::timestamptz THEN today_run
                                ELSE salesops.scheduler_night_due_at(yesterday + 1, \(runAt.description)::time, timezone) END) AS next_run
                FROM (SELECT o.timezone, l.yesterday,
                             salesops.scheduler_night_due_at(l.yesterday, \(runAt.description)::time, o.timezone) AS today_run
                      FROM salesops.orgs o
                      CROSS JOIN LATERAL (SELECT salesops.local_day(\(now)::timestamptz, o.timezone) - 1 AS yesterday) l) t
                """).rows[0].decode("next_run", as: Date?.self)
        }
    }

    /// Extends the claim's lease; false when the claim no longer holds it (rescued by another
    /// process after it expired, or already finished). The renewal goes to
    /// `salesops.scheduler_leases`, never to the run's own row, which the night's
    /// materialization marks succeeded from a snapshot taken before the heartbeat.
    func renew(_ claim: ClaimedNight, lease: Duration) throws -> Bool {
        try self.connection.withSchedulerRole { connection in
            try connection.execute("""
                INSERT INTO salesops.scheduler_leases AS l (org_id, night, lease_token, heartbeat_at, lease_expires_at)
                SELECT r.org_id, r.night, r.lease_token, statement_timestamp(),
                       statement_timestamp() + \(lease.milliseconds) * interval '1 millisecond'
                FROM salesops.scheduler_runs r
                WHERE r.org_id = \(claim.org.id) AND r.night = \(claim.night) AND r.lease_token = \(claim.leaseToken)
                  AND r.status = 'running'
                ON CONFLICT (org_id, night) DO UPDATE
                SET lease_token = EXCLUDED.lease_token, heartbeat_at = EXCLUDED.heartbeat_at,
                    lease_expires_at = EXCLUDED.lease_expires_at
                """) == 1
        }
    }

    /// Counts a further attempt of the claim (a retry after a transient failure); false when
    /// the claim no longer holds the lease.
    func countRetry(_ claim: ClaimedNight) throws -> Bool {
        try self.connection.withSchedulerRole { connection in
            try connection.execute("""
                UPDATE salesops.scheduler_runs SET attempts = attempts + 1, heartbeat_at = statement_timestamp()
                WHERE org_id = \(claim.org.id) AND night = \(claim.night) AND lease_token = \(claim.leaseToken) AND status = 'running'
                """) == 1
        }
    }

    /// Whether the claim's night has succeeded under this claim (after a commit whose
    /// outcome was lost with the connection).
    func succeeded(_ claim: ClaimedNight) throws -> Bool {
        try self.connection.withSchedulerRole { connection in
            try connection.query("""
                SELECT count(*) AS n FROM salesops.scheduler_runs
                WHERE org_id = \(claim.org.id) AND night = \(claim.night) AND lease_token = \(claim.leaseToken) AND status = 'succeeded'
                """).rows[0].decode("n", as: Int.self) == 1
        }
    }

    /// Records the claim's failure and when the night may be claimed again; false when the
    /// claim no longer held the lease.
    func recordFailure(_ claim: ClaimedNight, error: String, retryAfter: Duration) throws -> Bool {
        try self.connection.withSchedulerRole { connection in
            try connection.execute("""
                UPDATE salesops.scheduler_runs
                SET status = 'failed', finished_at = statement_timestamp(), error = \(error),
                    next_attempt_at = statement_timestamp() + \(retryAfter.milliseconds) * interval '1 millisecond'
                WHERE org_id = \(claim.org.id) AND night = \(claim.night) AND lease_token = \(claim.leaseToken) AND status = 'running'
                """) == 1
        }
    }

    /// Marks the claim's night succeeded. Runs inside the night's materialization
    /// transaction (in the org's tenant context), so the facts and the success commit together.
    /// - Throws: `SchedulerError.leaseLost` when the claim no longer holds the lease; the
    ///   transaction then rolls back and the facts are not written.
    static func recordSuccess(of claim: ClaimedNight, rowsWritten: Int, on connection: Connection) throws {
        let updated = try connection.execute("""
            UPDATE salesops.scheduler_runs
            SET status = 'succeeded', finished_at = statement_timestamp(), rows_written = \(rowsWritten),
                error = NULL, next_attempt_at = NULL
            WHERE org_id = \(claim.org.id) AND night = \(claim.night) AND lease_token = \(claim.leaseToken) AND status = 'running'
            """)
        guard updated == 1 else { throw SchedulerError.leaseLost(org: claim.org.slug, night: claim.night) }
    }
}

/// Failures particular to scheduled nights.
public enum SchedulerError: Error, Sendable, CustomStringConvertible {
    /// The claim's lease expired and another process took the night over.
    case leaseLost(org: String, night: LocalDate)
    /// The process was stopped before the night finished; its transaction was rolled back.
    case abandoned(org: String, night: LocalDate)

    public var description: String {
        switch self {
        case let .leaseLost(org, night): "org \(org), night \(night): the lease expired and another process took the night over"
        case let .abandoned(org, night): "org \(org), night \(night): abandoned when the scheduler stopped; rolled back"
        }
    }
}
