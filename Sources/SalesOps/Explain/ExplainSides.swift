import PostgresClient

/// The record sets the catalogue's definitions are built from, named once each.
enum Sides {
    typealias Condition = @Sendable (ExplainContext) -> Query

    static func deals(_ name: String, _ description: String, weight: Query = "1", _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "deal", totalKind: weight == "1" ? "count" : "sum",
                       order: "closed_day, created_day, deal") { c in
            RecordSources.deals(c, where: "\(condition(c)) AND \(c.dealKey)", weight: weight)
        }
    }

    static func won(_ name: String, weight: Query = "1", description: String = "won deals closed in P",
                    also extra: Query = "true") -> SideDefinition {
        deals(name, description, weight: weight) { c in
            "\(RecordSources.wonDealsClosed(c, from: c.start, to: c.stop)) AND \(extra)"
        }
    }

    static func open(_ name: String, _ description: String, weight: Query) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "deal", totalKind: weight == "1" ? "count" : "sum",
                       order: "created_day, deal") { c in RecordSources.openDeals(c, weight: weight) }
    }

    static func leads(_ name: String, _ description: String, weight: Query = "1", _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "lead", totalKind: weight == "1" ? "count" : "sum",
                       order: "created_day, lead") { c in
            RecordSources.leads(c, where: "\(condition(c)) AND \(c.leadKey)", weight: weight)
        }
    }

    /// Activities in P (any day when `duringPeriod` is false) meeting the condition.
    static func activities(_ name: String, _ description: String, attribution: String = "x.rep_id", duringPeriod: Bool = true,
                           _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "activity", totalKind: "count", order: "day, activity") { c in
            let day: Query = duringPeriod ? c.inPeriod("x.occurred_at") : "true"
            return RecordSources.activities(c, where: "\(day) AND \(condition(c))", attribution: attribution)
        }
    }

    static func prospects(_ name: String, _ description: String, having: Query) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "prospect", totalKind: "count",
                       order: "prospect_kind, prospect") { c in RecordSources.prospects(c, having: having) }
    }

    static func accounts(_ name: String, _ description: String, byOwner: Bool = true, inner: Condition? = nil,
                         _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "account", totalKind: "count",
                       order: "first_won_day, account") { c in
            RecordSources.accounts(c, where: condition(c), byOwner: byOwner, inner: inner?(c) ?? "true")
        }
    }

    static func responses(_ name: String, _ description: String, kind: String, where condition: Query = "true",
                          weight: Query = "1") -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "response", totalKind: weight == "1" ? "count" : "sum",
                       order: "day, response") { c in RecordSources.responses(c, kind: kind, where: condition, weight: weight) }
    }

    static func reps(_ name: String, _ description: String, weight: @escaping Condition = { _ in "1" },
                     sum: Bool = false, _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "rep", totalKind: sum ? "sum" : "count",
                       order: "rep") { c in RecordSources.reps(c, where: condition(c), weight: weight(c)) }
    }

    static func spend(_ name: String, _ description: String, categories: [String]) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "spend", totalKind: "sum",
                       order: "month, channel, category") { c in RecordSources.spend(c, categories: categories) }
    }

    static func stays(_ name: String, _ description: String, weight: Query = "1", _ condition: @escaping Condition) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "stage_stay", totalKind: weight == "1" ? "count" : "sum",
                       order: "entered_day, deal, left_day") { c in
            RecordSources.stageStays(c, where: condition(c), weight: weight)
        }
    }

    static func repTargets(_ name: String, _ description: String, where condition: Query) -> SideDefinition {
        SideDefinition(name: name, description: description, recordKind: "rep_target", totalKind: "count", order: "rep") { c in
            RecordSources.repTargets(c, where: condition)
        }
    }
}

extension ExplainContext {
    /// The breakdown filter on a deal record (region and source of the account, product and
    /// type of the deal); true without a breakdown.
    var dealKey: Query {
        switch self.dimension {
        case "region": self.breakdownKey("a.region")
        case "source": self.breakdownKey("a.source")
        case "product": self.breakdownKey("d.product")
        case "deal_type": self.breakdownKey("d.type")
        default: "true"
        }
    }

    /// The breakdown filter on a lead record: its source, or the lifecycle stage it had
    /// reached by e (the furthest of disqualified, customer, sql, mql, else lead).
    var leadKey: Query {
        switch self.dimension {
        case "lead_source": return self.breakdownKey("l.source")
        case "lifecycle_stage":
            let e = self.stop
            return """
                (CASE WHEN \(self.day("l.disqualified_at")) <= \(e)::date THEN 'disqualified'
                      WHEN \(self.day("l.converted_at")) <= \(e)::date THEN 'customer'
                      WHEN \(self.day("l.sql_at")) <= \(e)::date THEN 'sql'
                      WHEN \(self.day("l.mql_at")) <= \(e)::date THEN 'mql' ELSE 'lead' END) = \(self.key ?? "")
                """
        default: return "true"
        }
    }
}
