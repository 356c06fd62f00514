import Foundation
import PostgresClient

/// A draft of next period's revenue quotas (SPEC §10): each quota-carrying rep's capacity
/// with every input, bottom-up or split top-down from a total.
public struct QuotaPlan: Sendable, Equatable, Codable {
    public var period: ForecastPeriod
    public var scope: String
    /// Revenue per active rep-day of the org's ramped reps over the trailing periods.
    public var productivityPerDay: Decimal
    /// The periods productivity and attainment were learned from.
    public var trailingPeriods: [String]
    /// Days from hire to full productivity: the org's average days from hire to first activity (§5 `ramp_up_days`).
    public var rampDays: Int
    /// Same period a year earlier against the trailing average, per day; 1 without a year of history.
    public var seasonality: Decimal
    /// The total split top-down, or nil for bottom-up.
    public var total: Decimal?
    public var reps: [Rep]
    public var teams: [Team]
    /// Expected share of reps at or above quota, from the reps' past attainment of their capacity, in %.
    public var expectedAtQuotaPct: Decimal?

    public struct Rep: Sendable, Equatable, Codable {
        public var rep: String
        public var team: String?
        public var activeDays: Int
        /// The rep's average ramp factor over its active days in the period (0–1).
        public var rampFactor: Decimal
        public var capacity: Decimal
        public var quota: Decimal
        /// Open pipeline the rep expects to close in the period.
        public var openExpected: Decimal
        /// Open pipeline expected in the period ÷ quota; nil without a quota.
        public var coverage: Decimal?
    }

    public struct Team: Sendable, Equatable, Codable {
        public var team: String
        public var quota: Decimal
    }
}

/// Roles that carry a revenue quota.
let quotaRoles: [RepRole] = [.ae, .am]

extension ForecastEngine {
    /// Trailing periods a plan learns from.
    static let planTrailingPeriods = 4

    /// The plan for the period labelled `label` and `scope` (org or a team's subtree).
    /// - Throws: `.invalidInput` for a day label, a rep scope or a total outside 0…`largestTotal`; `UnknownName` for an unknown team.
    /// The largest total a plan splits.
    public static let largestTotal = Decimal(string: "1000000000000000")!

    public func planQuotas(period label: String, scope: TargetScope, total: Decimal?) throws -> QuotaPlan {
        if case .rep = scope { throw SalesOpsError.invalidInput("plan a team's or the org's quotas: a rep scope has one quota, set it with 'target set'") }
        if let total, total < 0 || total > Self.largestTotal {
            throw SalesOpsError.invalidInput("total \(total) must be between 0 and \(Self.largestTotal)")
        }
        let org = try TenantOrgRecords(session: self.session).org()
        let period = try self.period(label)
        let roster = try self.roster(scope: scope)
        let rampDays = try self.rampDays(timeZone: org.timezone)

        // Productivity and attainment from the trailing periods of this kind.
        var trailing: [ForecastPeriod] = []
        var start = period.start
        for _ in 0..<Self.planTrailingPeriods {
            start = PeriodLabel.previousStart(kind: period.kind, start: start)
            trailing.insert(try self.period(PeriodLabel.of(kind: period.kind, start: start, fiscalYearStartMonth: org.fiscalYearStartMonth)), at: 0)
        }
        let everyone = try self.roster(scope: .org)
        var revenue: Decimal = 0, repDays = 0
        var ratios: [(rep: Int64, revenue: Decimal, days: Int)] = []
        var trailingRevenue: Decimal = 0, trailingDays = 0
        for past in trailing {
            let won = try self.actual(period: past, timeZone: org.timezone)
            trailingRevenue += won.total(of: nil)
            trailingDays += past.days
            for rep in everyone where rep.hiredOn.adding(days: rampDays) <= past.start {
                let days = rep.activeDays(in: past)
                guard days > 0 else { continue }
                revenue += won.amounts[rep.id] ?? 0
                repDays += days
                ratios.append((rep.id, won.amounts[rep.id] ?? 0, days))
            }
        }
        let productivity = repDays > 0 ? revenue / Decimal(repDays) : 0

        // Seasonality: the same period a year earlier, per day, against the trailing average per day.
        var seasonality: Decimal = 1
        let yearAgoStart = PeriodLabel.start(kind: "year", from: period.start, shiftedBy: -1)
        let yearAgo = try self.period(PeriodLabel.of(kind: period.kind, start: PeriodLabel.start(of: period.kind, containing: yearAgoStart,
                                                                                                   fiscalYearStartMonth: org.fiscalYearStartMonth),
                                                    fiscalYearStartMonth: org.fiscalYearStartMonth))
        if try self.hasHistory(before: yearAgo.start), trailingRevenue > 0 {
            let yearAgoRevenue = try self.actual(period: yearAgo, timeZone: org.timezone).total(of: nil)
            seasonality = ForecastModel.rounded((yearAgoRevenue / Decimal(yearAgo.days)) / (trailingRevenue / Decimal(trailingDays)), 4)
        }

        let open = try self.openExpected(in: period)
        var reps: [QuotaPlan.Rep] = roster.compactMap { rep in
            let days = rep.activeDays(in: period)
            guard days > 0 else { return nil }
            let ramp = rep.rampFactor(in: period, rampDays: rampDays)
            let capacity = ForecastModel.rounded(productivity * ramp * Decimal(days) * seasonality, 2)
            return .init(rep: rep.externalID, team: rep.team, activeDays: days, rampFactor: ForecastModel.rounded(ramp, 4),
                         capacity: capacity, quota: capacity, openExpected: open[rep.id] ?? 0, coverage: nil)
        }
        if let total {
            let quotas = Self.split(total, by: reps.map(\.capacity))
            for index in reps.indices { reps[index].quota = quotas[index] }
        }
        for index in reps.indices where reps[index].quota > 0 {
            reps[index].coverage = ForecastModel.rounded(reps[index].openExpected / reps[index].quota, 2)
        }
        // Past attainment of capacity: the share of (rep, period) pairs that reached quota ÷ capacity.
        let pastRatios = ratios.compactMap { entry -> Decimal? in
            let capacity = productivity * Decimal(entry.days)
            return capacity > 0 ? entry.revenue / capacity : nil
        }
        var atQuota: Decimal?
        if !pastRatios.isEmpty, !reps.isEmpty {
            let shares = reps.map { rep -> Decimal in
                guard rep.capacity > 0 else { return 1 }
                let needed = rep.quota / rep.capacity
                return Decimal(pastRatios.filter { $0 >= needed }.count) / Decimal(pastRatios.count)
            }
            atQuota = ForecastModel.rounded(100 * shares.reduce(0, +) / Decimal(shares.count), 1)
        }
        let quotas = Dictionary(uniqueKeysWithValues: reps.map { ($0.rep, $0.quota) })
        let teams = try self.teamMembers(scope: scope).mapValues { $0.reduce(Decimal(0)) { $0 + (quotas[$1] ?? 0) } }
        return QuotaPlan(period: period, scope: scope.label, productivityPerDay: ForecastModel.rounded(productivity, 2),
                         trailingPeriods: trailing.map(\.label), rampDays: rampDays, seasonality: seasonality, total: total, reps: reps,
                         teams: teams.map { .init(team: $0.key, quota: $0.value) }.sorted { $0.team < $1.team },
                         expectedAtQuotaPct: atQuota)
    }

    /// `total` split in proportion to `weights`, to the cent, summing to `total` exactly
    /// (largest remainders get the leftover cents; equal shares without any weight).
    static func split(_ total: Decimal, by weights: [Decimal]) -> [Decimal] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(0, +)
        let shares = sum > 0 ? weights.map { total * $0 / sum } : weights.map { _ in total / Decimal(weights.count) }
        var floors = shares.map { share -> Decimal in
            var input = share, output = Decimal()
            NSDecimalRound(&output, &input, 2, .down)
            return output
        }
        var left = NSDecimalNumber(decimal: (total - floors.reduce(0, +)) * 100).intValue
        for index in shares.indices.sorted(by: { shares[$0] - floors[$0] > shares[$1] - floors[$1] }) where left > 0 {
            floors[index] += Decimal(string: "0.01")!
            left -= 1
        }
        return floors
    }

    struct RosterRep {
        var id: Int64
        var externalID: String
        var team: String?
        var hiredOn: LocalDate
        var leftOn: LocalDate?

        /// Days of `period` the rep works: from `hired_on`, before `left_on`.
        func activeDays(in period: ForecastPeriod) -> Int {
            let first = max(period.start, self.hiredOn)
            let last = min(period.end, self.leftOn.map { $0.adding(days: -1) } ?? period.end)
            return first <= last ? first.days(to: last) + 1 : 0
        }

        /// The average over the rep's active days in `period` of min(1, tenure ÷ ramp days).
        func rampFactor(in period: ForecastPeriod, rampDays: Int) -> Decimal {
            let days = self.activeDays(in: period)
            guard days > 0, rampDays > 0 else { return 1 }
            let first = max(period.start, self.hiredOn)
            let total = (0..<days).reduce(0) { $0 + min(rampDays, self.hiredOn.days(to: first.adding(days: $1))) }
            return Decimal(total) / Decimal(days * rampDays)
        }
    }

    /// The quota-carrying reps of a scope (org or team subtree).
    func roster(scope: TargetScope) throws -> [RosterRep] {
        let reps = try self.reps(of: scope)
        return try self.session.connection.query("""
            SELECT r.id, r.external_id, t.external_id AS team, r.hired_on, r.left_on
            FROM salesops.reps r
            LEFT JOIN salesops.teams t ON t.org_id = r.org_id AND t.id = r.team_id
            WHERE r.org_id = \(self.session.orgID) AND r.role = ANY(\(quotaRoles.map(\.rawValue))::text[])
              AND (\(reps)::bigint[] IS NULL OR r.id = ANY(\(reps)::bigint[]))
            ORDER BY r.external_id
            """).rows.map {
            RosterRep(id: try $0.decode("id"), externalID: try $0.decode("external_id"), team: try $0.decode("team"),
                      hiredOn: try $0.decode("hired_on"), leftOn: try $0.decode("left_on"))
        }
    }

    /// The org's average days from a rep's hire to the rep's first activity (0 without any),
    /// over the reps hired since the org's activity history begins (an earlier hire's first
    /// recorded activity says when the history starts, not when the rep ramped).
    func rampDays(timeZone: String) throws -> Int {
        try self.session.connection.query("""
            WITH firsts AS (
                SELECT a.rep_id, min(salesops.local_day(a.occurred_at, \(timeZone))) AS first_day
                FROM salesops.activities a WHERE a.org_id = \(self.session.orgID) GROUP BY a.rep_id
            )
            SELECT COALESCE(round(avg(f.first_day - r.hired_on)), 0)::integer AS days
            FROM salesops.reps r
            JOIN firsts f ON f.rep_id = r.id
            WHERE r.org_id = \(self.session.orgID) AND f.first_day >= r.hired_on
              AND r.hired_on >= (SELECT min(first_day) FROM firsts)
            """).rows[0].decode("days")
    }

    /// Whether the org has a deal created before `day`.
    func hasHistory(before day: LocalDate) throws -> Bool {
        try self.session.connection.query("""
            SELECT EXISTS (SELECT 1 FROM salesops.deals d WHERE d.org_id = \(self.session.orgID) AND d.created_at::date < \(day)) AS any
            """).rows[0].decode("any")
    }

    /// Open pipeline per rep whose expected close date falls in `period` (today's deals).
    func openExpected(in period: ForecastPeriod) throws -> [Int64: Decimal] {
        Dictionary(uniqueKeysWithValues: try self.session.connection.query("""
            SELECT d.owner_rep_id, sum(d.amount) AS amount FROM salesops.deals d
            WHERE d.org_id = \(self.session.orgID) AND d.stage_kind = 'open'
              AND d.expected_close_on BETWEEN \(period.start) AND \(period.end)
            GROUP BY d.owner_rep_id
            """).rows.map { (try $0.decode("owner_rep_id", as: Int64.self), try $0.decode("amount", as: Decimal.self)) })
    }
}

extension ForecastEngine {
    /// Writes the plan's quotas as ordinary revenue targets of its period: one per rep with a
    /// quota, one per team (the sum over its subtree), and the scope's total; unchanged ones
    /// are not rewritten, so applying the same plan again writes nothing. Existing targets of
    /// other values are replaced only with `replace`.
    /// - Returns: targets inserted or changed.
    /// - Throws: `.conflict` naming the targets that differ, without `replace`.
    public func apply(_ plan: QuotaPlan, replace: Bool) throws -> Int {
        let org = self.session.orgID
        var rows: [(kind: String, externalID: String, value: Decimal)] = plan.reps.filter { $0.quota > 0 }.map { ("rep", $0.rep, $0.quota) }
        rows += plan.teams.map { ("team", $0.team, $0.quota) }
        if plan.scope == "org" { rows.append(("org", "", plan.reps.reduce(0) { $0 + $1.quota })) }
        let planned: Query = """
            SELECT p.kind, NULLIF(p.external_id, '') AS external_id, p.value::numeric AS value, t.id AS team_id, r.id AS rep_id
            FROM unnest(\(rows.map(\.kind))::text[], \(rows.map(\.externalID))::text[], \(rows.map { "\($0.value)" })::text[])
                 AS p(kind, external_id, value)
            LEFT JOIN salesops.teams t ON p.kind = 'team' AND t.org_id = \(org) AND t.external_id = p.external_id
            LEFT JOIN salesops.reps r ON p.kind = 'rep' AND r.org_id = \(org) AND r.external_id = p.external_id
            """
        let conflicts = try self.session.connection.query("""
            SELECT p.kind || COALESCE(':' || p.external_id, '') || ' has ' || x.value || ', the plan says ' || p.value AS conflict
            FROM (\(planned)) p
            JOIN salesops.targets x ON x.org_id = \(org) AND x.metric = 'revenue' AND x.period = \(plan.period.label)
             AND x.scope_kind = p.kind AND x.team_id IS NOT DISTINCT FROM p.team_id AND x.rep_id IS NOT DISTINCT FROM p.rep_id
            WHERE x.value <> p.value
            ORDER BY 1
            """).rows.map { try $0.decode("conflict", as: String.self) }
        guard conflicts.isEmpty || replace else {
            throw SalesOpsError.conflict("the period \(plan.period.label) already has other revenue targets (\(conflicts.joined(separator: "; "))): "
                + "nothing was applied; apply with replace (--replace, or \"replace\": true over the API) to replace them")
        }
        // The targets as rows of values, not an INSERT … SELECT of the client's arrays: an org's
        // multi-row INSERT is one statement on the org's node of a Citus cluster, where the
        // other form would pass every row through the coordinator (sorted by key, so
        // concurrent applies queue on their row locks).
        let targets = try self.session.connection.query("""
            SELECT p.kind, p.team_id, p.rep_id, p.value FROM (\(planned)) p ORDER BY p.kind, p.team_id, p.rep_id
            """).rows.map { row in
            (kind: try row.decode("kind", as: String.self), teamID: try row.decode("team_id", as: Int64?.self),
             repID: try row.decode("rep_id", as: Int64?.self), value: try row.decode("value", as: Decimal.self))
        }
        var written = 0
        for start in stride(from: 0, to: targets.count, by: Self.targetsPerStatement) {
            var insert: Query = "INSERT INTO salesops.targets AS x (org_id, scope_kind, team_id, rep_id, metric, period, value) VALUES "
            for (index, target) in targets[start..<min(start + Self.targetsPerStatement, targets.count)].enumerated() {
                if index > 0 { insert.append(", ") }
                insert.append("(\(org), \(target.kind), \(target.teamID), \(target.repID), 'revenue', \(plan.period.label), \(target.value))")
            }
            insert.append("""
                 ON CONFLICT (org_id, scope_kind, team_id, rep_id, metric, period) DO UPDATE SET value = EXCLUDED.value
                WHERE x.value IS DISTINCT FROM EXCLUDED.value
                """)
            written += try self.session.connection.execute(insert)
        }
        return written
    }

    /// Targets written per INSERT (seven parameters each, far below PostgreSQL's 65,535).
    static let targetsPerStatement = 1_000

    /// For each team of the scope, the reps of its subtree (by external id).
    func teamMembers(scope: TargetScope) throws -> [String: [String]] {
        let root: Int64? = if case .team(let id) = scope { try TeamRepository(session: self.session).id(of: id) } else { nil }
        var members: [String: [String]] = [:]
        for member in try self.subtreeMembers(under: root) { members[member.teamExternalID, default: []].append(member.repExternalID) }
        return members
    }

    /// One rep in the subtree of one team.
    struct SubtreeMember {
        var teamID: Int64, teamExternalID: String, repID: Int64, repExternalID: String
    }

    /// Every (team, rep of the team's subtree) pair, for the teams under `root` (itself
    /// included), or every team when nil.
    func subtreeMembers(under root: Int64?) throws -> [SubtreeMember] {
        let org = self.session.orgID
        return try self.session.connection.query("""
            SELECT t.id AS team_id, t.external_id AS team, r.id AS rep_id, r.external_id AS rep
            FROM salesops.teams t
            CROSS JOIN LATERAL salesops.team_subtree(\(org), t.id) s
            JOIN salesops.reps r ON r.org_id = \(org) AND r.team_id = s.team_id
            WHERE t.org_id = \(org)
              AND (\(root)::bigint IS NULL OR t.id IN (SELECT team_id FROM salesops.team_subtree(\(org), \(root)::bigint)))
            ORDER BY t.id, r.id
            """).rows.map { row in
            SubtreeMember(teamID: try row.decode("team_id"), teamExternalID: try row.decode("team"), repID: try row.decode("rep_id"),
                          repExternalID: try row.decode("rep"))
        }
    }
}
