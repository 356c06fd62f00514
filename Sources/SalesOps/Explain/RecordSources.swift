import PostgresClient

/// The raw tables read record by record, as explanations list them. Each source selects one
/// row per record with the fields the definitions use and a `weight` (1 for counted records,
/// the summed quantity otherwise), filtered by a condition and by the scope's attribution.
/// Nothing here reads the materialized facts or the engine's temporary tables: this is the
/// second implementation the engine is held against.
///
/// Display-only lookups (a rep's external id) are scalar subqueries and display-only joins
/// are left joins on keys, so counting a side skips them and a page evaluates them for its
/// own rows only.
enum RecordSources {
    /// The external id of the rep that row `alias` names in `column` (a display lookup,
    /// evaluated per output row). The org is named, not taken from the row: Citus sends a
    /// statement whole to the org's node only when each of its tables is filtered on the org.
    static func repExternalID(_ c: ExplainContext, of alias: String, _ column: String) -> Query {
        "(SELECT r.external_id FROM salesops.reps r WHERE r.org_id = \(c.orgID) AND r.id = \(unescaped: alias).\(unescaped: column))"
    }

    /// Won deals (by their stage's kind) closed in [from, to], the records revenue counts.
    static func wonDealsClosed(_ c: ExplainContext, from: LocalDate, to: LocalDate) -> Query {
        "g.kind = 'won' AND \(c.localDay(of: "d.closed_at", from: from, to: to))"
    }

    /// Deals with their account, owner, stage and local created and closed days.
    /// - Parameters:
    ///   - attribution: the rep column that decides the scope (the owner, unless given).
    ///   - extraColumns: more columns, each ending in a comma.
    static func deals(_ c: ExplainContext, where condition: Query, weight: Query = "1", extraColumns: Query = "",
                      extraJoins: Query = "") -> Query {
        """
        SELECT d.external_id AS deal, a.external_id AS account, \(self.repExternalID(c, of: "d", "owner_rep_id")) AS owner, g.name AS stage,
               d.type::text AS type, d.product, d.amount, d.contract_months, \(c.day("d.created_at")) AS created_day,
               \(c.day("d.closed_at")) AS closed_day, \(extraColumns) \(weight) AS weight
        FROM salesops.deals d
        LEFT JOIN salesops.accounts a ON a.org_id = \(c.orgID) AND a.id = d.account_id
        JOIN salesops.stages g ON g.org_id = \(c.orgID) AND g.id = d.stage_id
        \(extraJoins)
        WHERE d.org_id = \(c.orgID) AND \(c.attributed("d.owner_rep_id")) AND (\(condition))
        """
    }

    /// Deals open at the end of e (created by e, not closed by e) with the stage they held
    /// then and its probability: the to-stage of the last change by e; else the from-stage
    /// of the earliest change; else the current stage.
    static func openDeals(_ c: ExplainContext, weight: Query) -> Query {
        self.deals(c, where: """
            \(c.day("d.created_at")) <= \(c.stop)::date AND (d.closed_at IS NULL OR \(c.day("d.closed_at")) > \(c.stop)::date)
            """, weight: weight, extraColumns: "held.name AS stage_at_stop, held.probability,", extraJoins: """
            LEFT JOIN LATERAL (SELECT x.to_stage_id FROM salesops.deal_stage_changes x
                               WHERE x.org_id = \(c.orgID) AND x.deal_id = d.id AND \(c.day("x.changed_at")) <= \(c.stop)::date
                               ORDER BY x.changed_at DESC, x.id DESC LIMIT 1) AS last_change ON true
            LEFT JOIN LATERAL (SELECT x.from_stage_id FROM salesops.deal_stage_changes x
                               WHERE x.org_id = \(c.orgID) AND x.deal_id = d.id
                               ORDER BY x.changed_at, x.id LIMIT 1) AS first_change ON true
            JOIN salesops.stages held ON held.org_id = \(c.orgID)
             AND held.id = coalesce(last_change.to_stage_id, first_change.from_stage_id, d.stage_id)
            """)
    }

    /// Leads with their owner, source and milestones as local days.
    static func leads(_ c: ExplainContext, where condition: Query, weight: Query = "1") -> Query {
        """
        SELECT l.external_id AS lead, \(self.repExternalID(c, of: "l", "owner_rep_id")) AS owner, l.source, \(c.day("l.created_at")) AS created_day,
               \(c.day("l.mql_at")) AS mql_day, \(c.day("l.sql_at")) AS sql_day, \(c.day("l.converted_at")) AS converted_day,
               \(c.day("l.disqualified_at")) AS disqualified_day,
               extract(epoch FROM l.first_response_at - l.created_at) / 60 AS response_minutes, \(weight) AS weight
        FROM salesops.leads l
        WHERE l.org_id = \(c.orgID) AND \(c.attributed("l.owner_rep_id")) AND (\(condition))
        """
    }

    /// Accounts with their owner, first won day, won deals by e and churn day, as `account`
    /// rows (`first_won_day`, `won_by_stop`, `churn_day` usable in the condition).
    /// - Parameter byOwner: attribute by the account's owner; false when the condition
    ///   attributes (accounts of the scope's won deals).
    static func accounts(_ c: ExplainContext, where condition: Query, byOwner: Bool = true, inner: Query = "true") -> Query {
        let scope: Query = byOwner ? c.attributed("a.owner_rep_id") : "true"
        return """
        SELECT * FROM (
            SELECT a.external_id AS account, a.name, r.external_id AS owner, a.region, a.source,
                   referrer.external_id AS referred_by, w.first_won_day, w.won_by_stop,
                   \(c.day("a.churned_at")) AS churn_day, 1 AS weight
            FROM salesops.accounts a
            LEFT JOIN salesops.reps r ON r.org_id = \(c.orgID) AND r.id = a.owner_rep_id
            LEFT JOIN salesops.accounts referrer ON referrer.org_id = \(c.orgID) AND referrer.id = a.referred_by_id
            CROSS JOIN LATERAL (
                SELECT min(\(c.day("d.closed_at"))) AS first_won_day,
                       count(*) FILTER (WHERE \(c.day("d.closed_at")) <= \(c.stop)::date) AS won_by_stop
                FROM salesops.deals d JOIN salesops.stages g ON g.org_id = \(c.orgID) AND g.id = d.stage_id
                WHERE d.org_id = \(c.orgID) AND d.account_id = a.id AND g.kind = 'won'
            ) AS w
            WHERE a.org_id = \(c.orgID) AND \(scope) AND (\(inner))
        ) AS account
        WHERE \(condition)
        """
    }

    /// Whether the account row was a customer at the end of local day `day` (a SQL date).
    static func customer(at day: Query) -> Query {
        "(first_won_day <= \(day) AND (churn_day IS NULL OR churn_day > \(day)))"
    }

    /// Activities with their rep, kind, outcome, local day and what they are linked to.
    /// - Parameter attribution: the rep column that decides the scope.
    static func activities(_ c: ExplainContext, where condition: Query, attribution: String = "x.rep_id") -> Query {
        """
        SELECT x.external_id AS activity, \(self.repExternalID(c, of: "x", "rep_id")) AS rep, x.kind::text AS kind, x.outcome::text AS outcome,
               \(c.day("x.occurred_at")) AS day, l.external_id AS lead, a.external_id AS account, d.external_id AS deal,
               1 AS weight
        FROM salesops.activities x
        LEFT JOIN salesops.leads l ON l.org_id = \(c.orgID) AND l.id = x.lead_id
        LEFT JOIN salesops.accounts a ON a.org_id = \(c.orgID) AND a.id = x.account_id
        LEFT JOIN salesops.deals d ON d.org_id = \(c.orgID) AND d.id = x.deal_id
        LEFT JOIN salesops.stages g ON g.org_id = \(c.orgID) AND g.id = d.stage_id
        WHERE x.org_id = \(c.orgID) AND \(c.attributed(attribution)) AND (\(condition))
        """
    }

    /// Distinct prospects (an activity's lead, else its account) with an activity in P, each
    /// with its activities' count and whether any got a positive or a negative reply.
    static func prospects(_ c: ExplainContext, having condition: Query) -> Query {
        """
        SELECT max(CASE WHEN x.lead_id IS NOT NULL THEN 'lead' ELSE 'account' END) AS prospect_kind,
               max(coalesce(l.external_id, a.external_id)) AS prospect, count(*) AS activities,
               bool_or(x.outcome = 'positive_reply') AS positive_reply, bool_or(x.outcome = 'negative_reply') AS negative_reply,
               1 AS weight
        FROM salesops.activities x
        LEFT JOIN salesops.leads l ON l.org_id = \(c.orgID) AND l.id = x.lead_id
        LEFT JOIN salesops.accounts a ON a.org_id = \(c.orgID) AND a.id = x.account_id AND x.lead_id IS NULL
        WHERE x.org_id = \(c.orgID) AND \(c.attributed("x.rep_id")) AND \(c.inPeriod("x.occurred_at"))
          AND (x.lead_id IS NOT NULL OR x.account_id IS NOT NULL)
        GROUP BY x.lead_id, CASE WHEN x.lead_id IS NULL THEN x.account_id END
        HAVING \(condition)
        """
    }

    /// Survey responses of a kind in P, attributed to the account's owner (nps, csat) or the
    /// response's rep (enps).
    static func responses(_ c: ExplainContext, kind: String, where condition: Query = "true", weight: Query = "1") -> Query {
        let attribution = kind == "enps" ? "v.rep_id" : "a.owner_rep_id"
        return """
        SELECT v.external_id AS response, v.kind::text AS kind, v.score, \(c.day("v.responded_at")) AS day,
               a.external_id AS account, r.external_id AS rep, owner.external_id AS account_owner, \(weight) AS weight
        FROM salesops.survey_responses v
        LEFT JOIN salesops.accounts a ON a.org_id = \(c.orgID) AND a.id = v.account_id
        LEFT JOIN salesops.reps r ON r.org_id = \(c.orgID) AND r.id = v.rep_id
        LEFT JOIN salesops.reps owner ON owner.org_id = \(c.orgID) AND owner.id = a.owner_rep_id
        WHERE v.org_id = \(c.orgID) AND v.kind = \(kind) AND \(c.attributed(attribution)) AND \(c.inPeriod("v.responded_at"))
          AND (\(condition))
        """
    }

    /// Reps counted by their current team, with hire and leave days and their first
    /// activity's local day (`hired_on`, `left_on`, `first_activity_day` usable in the condition).
    static func reps(_ c: ExplainContext, where condition: Query, weight: Query = "1") -> Query {
        """
        SELECT * FROM (
            SELECT p.external_id AS rep, p.name, t.external_id AS team, p.hired_on, p.left_on,
                   (SELECT \(c.day("min(x.occurred_at)")) FROM salesops.activities x
                    WHERE x.org_id = \(c.orgID) AND x.rep_id = p.id) AS first_activity_day
            FROM salesops.reps p
            LEFT JOIN salesops.teams t ON t.org_id = \(c.orgID) AND t.id = p.team_id
            WHERE p.org_id = \(c.orgID) AND \(c.attributed("p.id"))
        ) AS rep_row
        CROSS JOIN LATERAL (SELECT \(weight) AS weight) AS w
        WHERE \(condition)
        """
    }

    /// Whether a rep row was active on local day `day`.
    static func active(on day: Query) -> Query {
        "(hired_on <= \(day) AND (left_on IS NULL OR left_on > \(day)))"
    }

    /// Spend rows of a category whose month starts in ps ... e.
    static func spend(_ c: ExplainContext, categories: [String]) -> Query {
        """
        SELECT s.month, s.channel, s.category::text AS category, s.amount AS weight
        FROM salesops.spend s
        WHERE s.org_id = \(c.orgID) AND s.category::text = ANY(\(categories)::text[])
          AND s.month BETWEEN \(c.start)::date AND \(c.stop)::date
        """
    }

    /// Stays in the explained stage: each change into it, ended by the deal's next change.
    static func stageStays(_ c: ExplainContext, where condition: Query, weight: Query = "1") -> Query {
        """
        SELECT * FROM (
            SELECT d.external_id AS deal, g.name AS stage, \(c.day("x.changed_at")) AS entered_day,
                   \(c.day("next_change.changed_at")) AS left_day, n.name AS next_stage, n.kind::text AS next_stage_kind,
                   extract(epoch FROM next_change.changed_at - x.changed_at) / 86400 AS days,
                   (n.kind = 'won' OR (n.kind = 'open' AND n.position > g.position)) AS advanced
            FROM salesops.deal_stage_changes x
            JOIN salesops.deals d ON d.org_id = \(c.orgID) AND d.id = x.deal_id
            JOIN salesops.stages g ON g.org_id = \(c.orgID) AND g.id = x.to_stage_id
            LEFT JOIN LATERAL (SELECT y.changed_at, y.to_stage_id FROM salesops.deal_stage_changes y
                               WHERE y.org_id = \(c.orgID) AND y.deal_id = x.deal_id
                                 AND (y.changed_at, y.id) > (x.changed_at, x.id)
                               ORDER BY y.changed_at, y.id LIMIT 1) AS next_change ON true
            LEFT JOIN salesops.stages n ON n.org_id = \(c.orgID) AND n.id = next_change.to_stage_id
            WHERE x.org_id = \(c.orgID) AND x.to_stage_id = \(c.stageID ?? 0)
              -- A stay entered or ended in P belongs to a deal that moved in P: only those are read.
              AND x.deal_id IN (SELECT y.deal_id FROM salesops.deal_stage_changes y
                                WHERE y.org_id = \(c.orgID) AND \(c.localDay(of: "y.changed_at", from: c.start, to: c.stop)))
        ) AS stay
        CROSS JOIN LATERAL (SELECT \(weight) AS weight) AS w
        WHERE \(condition)
        """
    }

    /// Reps with a `revenue` target for exactly this period, with their revenue in it
    /// (won deals they own closed in P) and attainment.
    static func repTargets(_ c: ExplainContext, where condition: Query) -> Query {
        """
        SELECT * FROM (
            SELECT p.external_id AS rep, p.name, t.value AS target, coalesce(sold.revenue, 0) AS revenue,
                   100 * coalesce(sold.revenue, 0) / NULLIF(t.value, 0) AS attainment_pct, 1 AS weight
            FROM salesops.targets t
            JOIN salesops.orgs o ON o.id = t.org_id
            JOIN salesops.reps p ON p.org_id = \(c.orgID) AND p.id = t.rep_id
            CROSS JOIN LATERAL salesops.period_bounds(t.period, o.fiscal_year_start_month) AS b
            CROSS JOIN LATERAL (
                SELECT sum(d.amount) AS revenue FROM salesops.deals d
                JOIN salesops.stages g ON g.org_id = \(c.orgID) AND g.id = d.stage_id
                WHERE d.org_id = \(c.orgID) AND d.owner_rep_id = p.id AND \(self.wonDealsClosed(c, from: c.start, to: c.stop))
            ) AS sold
            WHERE t.org_id = \(c.orgID) AND t.scope_kind = 'rep' AND t.metric = 'revenue' AND \(c.attributed("p.id"))
              AND b.period_kind = \(c.periodKind) AND b.period_start = \(c.start)::date
        ) AS rep_target
        WHERE \(condition)
        """
    }
}
