import Foundation
import PostgresClient

/// One run record as `scheduler status` reports it.
public struct SchedulerRunRecord: Sendable, Equatable, Encodable {
    public var org: String
    public var night: LocalDate
    /// `running`, `succeeded` or `failed`.
    public var status: String
    public var attempts: Int
    public var worker: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var rowsWritten: Int?
    public var error: String?
    /// When a failed night may be claimed again.
    public var nextAttemptAt: Date?
    /// When a running night's lease runs out unless renewed.
    public var leaseExpiresAt: Date?

    enum CodingKeys: String, CodingKey {
        case org, night, status, attempts, worker, error
        case startedAt = "started_at", finishedAt = "finished_at", rowsWritten = "rows_written"
        case nextAttemptAt = "next_attempt_at", leaseExpiresAt = "lease_expires_at"
    }

    /// Every key is written, absent values as `null`, so readers see a fixed shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.org, forKey: .org)
        try container.encode(self.night, forKey: .night)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.attempts, forKey: .attempts)
        try container.encode(self.worker, forKey: .worker)
        try container.encode(self.startedAt, forKey: .startedAt)
        try container.encode(self.finishedAt, forKey: .finishedAt)
        try container.encode(self.rowsWritten, forKey: .rowsWritten)
        try container.encode(self.error, forKey: .error)
        try container.encode(self.nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(self.leaseExpiresAt, forKey: .leaseExpiresAt)
    }
}

/// Where an org's nights stand.
public struct SchedulerOrgStatus: Sendable, Equatable {
    public var org: String
    public var timezone: String
    /// The latest night that succeeded.
    public var lastSucceeded: LocalDate?
    /// Nights whose run time has passed and that have not succeeded.
    public var nightsBehind: Int
    public var running: Int
    public var failed: Int
}

/// Reads the run records, as the scheduler role (every org's records, no tenant data).
public struct SchedulerStatusReader {
    let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    /// Per org slug, the seconds since its last succeeded night finished (orgs with none are
    /// absent); read as the scheduler role, which sees every org's run records.
    public func lastSucceededNightAges() throws -> [(slug: String, seconds: Double)] {
        try self.connection.withSchedulerRole { connection in
            try connection.query("""
                SELECT o.slug, EXTRACT(EPOCH FROM now() - max(r.finished_at))::float8 AS age
                FROM salesops.orgs o
                JOIN salesops.scheduler_runs r ON r.org_id = o.id AND r.status = 'succeeded'
                GROUP BY o.slug
                """).rows.map { (try $0.decode("slug", as: String.self), try $0.decode("age", as: Double.self)) }
        }
    }

    /// Each org's standing at `now` with nights due from `runAt` local time; one org when
    /// `slug` is given.
    /// - Throws: `.notFound` when `slug` names no org.
    public func orgs(slug: String?, now: Date = Date(), runAt: LocalTimeOfDay = .twoAM) throws -> [SchedulerOrgStatus] {
        let statuses = try self.connection.withSchedulerRole { connection in
            try connection.query("""
                SELECT o.slug, o.timezone,
                       (SELECT max(r.night) FROM salesops.scheduler_runs r
                        WHERE r.org_id = o.id AND r.status = 'succeeded') AS last_succeeded,
                       (SELECT count(*) FROM generate_series(salesops.scheduler_first_night(o.created_at, o.timezone),
                                                             salesops.local_day(\(now)::timestamptz, o.timezone) - 1,
                                                             interval '1 day') AS d
                        WHERE salesops.scheduler_night_due_at(d::date, \(runAt.description)::time, o.timezone) <= \(now)::timestamptz
                          AND NOT EXISTS (SELECT 1 FROM salesops.scheduler_runs r
                                          WHERE r.org_id = o.id AND r.night = d::date AND r.status = 'succeeded')) AS nights_behind,
                       (SELECT count(*) FROM salesops.scheduler_runs r WHERE r.org_id = o.id AND r.status = 'running') AS running,
                       (SELECT count(*) FROM salesops.scheduler_runs r WHERE r.org_id = o.id AND r.status = 'failed') AS failed
                FROM salesops.orgs o
                WHERE \(slug == nil) OR o.slug = \(slug ?? "")
                ORDER BY o.slug
                """).rows.map { row in
                SchedulerOrgStatus(org: try row.decode("slug"), timezone: try row.decode("timezone"),
                                   lastSucceeded: try row.decode("last_succeeded"), nightsBehind: try row.decode("nights_behind"),
                                   running: try row.decode("running"), failed: try row.decode("failed"))
            }
        }
        if let slug, statuses.isEmpty { throw SalesOpsError.notFound("org '\(slug)'") }
        return statuses
    }

    /// The latest `limit` runs of each org (by night, newest first), failures included.
    public func recentRuns(slug: String?, limit: Int) throws -> [SchedulerRunRecord] {
        try self.connection.withSchedulerRole { connection in
            try connection.query("""
                SELECT o.slug, r.night, r.status, r.attempts, r.worker, r.started_at, r.finished_at, r.rows_written,
                       r.error, r.next_attempt_at, CASE WHEN r.status = 'running' THEN salesops.scheduler_lease_expiry(r.org_id, r.night, r.lease_token, r.lease_expires_at) END AS lease_expires_at
                FROM salesops.orgs o
                CROSS JOIN LATERAL (SELECT * FROM salesops.scheduler_runs r WHERE r.org_id = o.id
                                    ORDER BY r.night DESC LIMIT \(limit)) r
                WHERE \(slug == nil) OR o.slug = \(slug ?? "")
                ORDER BY o.slug, r.night DESC
                """).rows.map { row in
                SchedulerRunRecord(
                    org: try row.decode("slug"), night: try row.decode("night"), status: try row.decode("status"),
                    attempts: try row.decode("attempts"), worker: try row.decode("worker"), startedAt: try row.decode("started_at"),
                    finishedAt: try row.decode("finished_at"), rowsWritten: try row.decode("rows_written"),
                    error: try row.decode("error"), nextAttemptAt: try row.decode("next_attempt_at"),
                    leaseExpiresAt: try row.decode("lease_expires_at"))
            }
        }
    }
}
