import Foundation
import PostgresClient

/// Synthetic but realistic sales data for one org, as CSV text of every import kind.
///
/// Nested teams (regions with sub-teams and an SDR team), reps who join and leave, two
/// pipelines, deals whose stage histories move forward and sometimes back, won and lost,
/// churned and referred accounts, leads through their lifecycle, activities with outcomes,
/// surveys, monthly spend, monthly revenue targets, expected close dates of open deals and
/// the sellers' monthly forecast calls. The same seed and dates give the
/// same files.
public struct DemoDataGenerator {
    public var reps: Int
    public var days: Int
    public var lastDay: LocalDate
    public var seed: UInt64

    /// - Parameters:
    ///   - reps: how many reps (at least 4).
    ///   - days: how many days of history, ending at `lastDay`.
    public init(reps: Int, days: Int, lastDay: LocalDate, seed: UInt64) {
        self.reps = max(4, reps)
        self.days = max(1, days)
        self.lastDay = lastDay
        self.seed = seed
    }

    private struct Stage {
        var name: String
        var position: Int
        var kind: StageKind
    }

    private static let newBusiness = [
        Stage(name: "Qualification", position: 1, kind: .open), Stage(name: "Discovery", position: 2, kind: .open),
        Stage(name: "Proposal", position: 3, kind: .open), Stage(name: "Negotiation", position: 4, kind: .open),
        Stage(name: "Closed Won", position: 5, kind: .won), Stage(name: "Closed Lost", position: 6, kind: .lost),
    ]
    private static let expansion = [
        Stage(name: "Scoping", position: 1, kind: .open), Stage(name: "Quote", position: 2, kind: .open),
        Stage(name: "Won", position: 3, kind: .won), Stage(name: "Lost", position: 4, kind: .lost),
    ]

    /// The files, in the order they must be imported.
    public func generate() -> [(kind: ImportKind, csv: String)] {
        var random = SeededRandom(seed: self.seed)
        let firstDay = self.lastDay.adding(days: -(self.days - 1))
        let end = self.lastDay.adding(days: 1)
        func instant(_ day: LocalDate, hour: Int? = nil, using random: inout SeededRandom) -> String {
            let h = hour ?? Int.random(in: 7...19, using: &random)
            let m = Int.random(in: 0...59, using: &random)
            return "\(day)T\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m):00Z"
        }
        func quote(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

        let regions = [("emea", "EMEA", ["dach", "nordics"]), ("amer", "Americas", ["us-east", "us-west"]), ("apac", "APAC", ["anz", "japan"])]
        var teams = "external_id,name,parent_external_id,kind\n"
        var fieldTeams: [(id: String, region: String)] = []
        for (id, name, subTeams) in regions {
            teams += "\(id),\(name),,field\n"
            for sub in subTeams {
                teams += "\(sub),\(sub.uppercased()),\(id),field\n"
                fieldTeams.append((sub, name))
            }
        }
        teams += "sdr,SDR,,sdr\n"

        struct Rep { var id: String; var team: String; var region: String; var role: RepRole; var hired: LocalDate; var left: LocalDate? }
        var repList: [Rep] = []
        var reps = "external_id,name,email,team_external_id,role,hired_on,left_on\n"
        let firstNames = ["Anna", "Jonas", "Sofie", "Mika", "Léa", "Max", "Aiko", "Liam", "Zoë", "Mateo", "Priya", "Noah", "Ines", "Kai"]
        let lastNames = ["Schmidt", "Lund", "Virtanen", "Martin", "Tanaka", "Walsh", "Müller", "García", "Rao", "Berg", "Costa"]
        for index in 0..<self.reps {
            let isSDR = index % 5 == 4
            let team = isSDR ? ("sdr", "EMEA") : fieldTeams[index % fieldTeams.count]
            let hired = index < self.reps * 3 / 4 ? firstDay.adding(days: -Int.random(in: 30...900, using: &random))
                                                  : firstDay.adding(days: Int.random(in: 0...max(1, self.days / 2), using: &random))
            let left: LocalDate? = random.chance(0.12) ? self.lastDay.adding(days: -Int.random(in: 0...max(1, self.days / 3), using: &random)) : nil
            let rep = Rep(id: "rep-\(index + 1)", team: team.0, region: team.1, role: isSDR ? .sdr : .ae, hired: hired,
                          left: left.map { max($0, hired.adding(days: 1)) })
            repList.append(rep)
            let name = "\(firstNames[index % firstNames.count]) \(lastNames[(index / firstNames.count + index) % lastNames.count])"
            reps += "\(rep.id),\(quote(name)),\(rep.id)@demo.example,\(rep.team),\(rep.role.rawValue),\(rep.hired),\(rep.left?.description ?? "")\n"
        }
        let sellers = repList.filter { $0.role == .ae }
        let sdrs = repList.filter { $0.role == .sdr }
        func active(_ rep: Rep, on day: LocalDate) -> Bool { rep.hired <= day && (rep.left.map { $0 > day } ?? true) }

        let sources = ["inbound", "outbound", "partner", "event", "referral"]
        var accounts = "external_id,name,owner_rep_external_id,region,source,referred_by_external_id,churned_at\n"
        var accountOwners: [(id: String, owner: Rep)] = []
        let accountCount = self.reps * 12
        for index in 0..<accountCount {
            let owner = random.pick(sellers)
            let id = "acct-\(index + 1)"
            let referrer = index > 10 && random.chance(0.1) ? "acct-\(Int.random(in: 1...index, using: &random))" : ""
            let churned = random.chance(0.08) ? instant(firstDay.adding(days: Int.random(in: self.days / 3...self.days - 1, using: &random)), using: &random) : ""
            accounts += "\(id),\(quote("Company \(index + 1) \(random.pick(["GmbH", "AB", "Inc.", "KK", "Pty Ltd", "SA"]))")),\(owner.id),\(owner.region),\(random.pick(sources)),\(referrer),\(churned)\n"
            accountOwners.append((id, owner))
        }

        var stages = "pipeline,name,position,kind,probability\n"
        let probabilities = ["Qualification": 10, "Discovery": 25, "Proposal": 50, "Negotiation": 75, "Scoping": 30, "Quote": 60]
        for (pipeline, list) in [("New Business", Self.newBusiness), ("Expansion", Self.expansion)] {
            for stage in list {
                stages += "\(pipeline),\(stage.name),\(stage.position),\(stage.kind.rawValue),\(probabilities[stage.name].map(String.init) ?? "")\n"
            }
        }

        var deals = "external_id,name,account_external_id,owner_rep_external_id,pipeline,stage,amount,type,product,contract_months,created_at,closed_at,expected_close_on\n"
        // Expected close dates and forecast calls draw from a stream of their own, so the rest
        // of the data stays what the same seed gave before they existed.
        var outlook = SeededRandom(seed: self.seed ^ 0x5EED_F0CA_57ED_CA11)
        var wonByRepMonth: [String: Double] = [:]
        var changes = "deal_external_id,from_stage,to_stage,changed_at\n"
        var activities = "external_id,rep_external_id,kind,occurred_at,lead_external_id,account_external_id,deal_external_id,outcome\n"
        var activityCount = 0
        func activity(_ rep: Rep, _ kind: ActivityKind, _ at: String, lead: String = "", account: String = "", deal: String = "",
                      outcome: ActivityOutcome = .none) {
            activityCount += 1
            activities += "act-\(activityCount),\(rep.id),\(kind.rawValue),\(at),\(lead),\(account),\(deal),\(outcome.rawValue)\n"
        }
        var dealCount = 0
        for offset in 0..<self.days {
            let day = firstDay.adding(days: offset)
            for rep in sellers where active(rep, on: day) && random.chance(0.18) {
                dealCount += 1
                let id = "deal-\(dealCount)"
                let account = random.pick(accountOwners.filter { $0.owner.id == rep.id }.map(\.id) + [random.pick(accountOwners).id])
                let isExpansion = random.chance(0.25)
                let pipeline = isExpansion ? "Expansion" : "New Business"
                let path = isExpansion ? Self.expansion : Self.newBusiness
                let openStages = path.filter { $0.kind == .open }
                let created = day
                let createdAt = instant(created, using: &random)
                var current = openStages[0]
                var moment = created
                var closedAt = ""
                var history: [(String?, String, String)] = []
                var step = 0
                while true {
                    moment = moment.adding(days: Int.random(in: 2...18, using: &random))
                    guard moment < end else { break }
                    let at = instant(moment, using: &random)
                    let next: Stage
                    if step > 0 && random.chance(0.08) {
                        next = openStages[max(0, (openStages.firstIndex { $0.name == current.name } ?? 0) - 1)]
                    } else if current.name == openStages.last!.name || random.chance(0.12) {
                        let outcome: StageKind = random.chance(0.45) ? .won : .lost
                        next = path.first { $0.kind == outcome }!
                    } else {
                        next = openStages[min(openStages.count - 1, (openStages.firstIndex { $0.name == current.name } ?? 0) + 1)]
                    }
                    if next.name == current.name { continue }
                    history.append((current.name, next.name, at))
                    current = next
                    step += 1
                    if next.kind != .open {
                        closedAt = at
                        break
                    }
                }
                let amount = Double(Int.random(in: 5...120, using: &random) * 1000) * (isExpansion ? 0.4 : 1)
                let type: DealType = isExpansion ? random.pick([.upsell, .crossSell, .renewal]) : .new
                let months = random.pick([12, 12, 24, 36])
                let expectedClose = closedAt.isEmpty ? max(self.lastDay, created).adding(days: Int.random(in: 5...75, using: &outlook)).description : ""
                if current.kind == .won { wonByRepMonth["\(rep.id)|\(closedAt.prefix(7))", default: 0] += amount }
                deals += "\(id),\(quote("Opportunity \(dealCount)")),\(account),\(rep.id),\(pipeline),\(current.name),\(String(format: "%.2f", amount)),\(type.rawValue),\(random.pick(["Platform", "Analytics", "Connect"])),\(months),\(createdAt),\(closedAt),\(expectedClose)\n"
                for (from, to, at) in history { changes += "\(id),\(from ?? ""),\(to),\(at)\n" }
                for touch in 0..<Int.random(in: 1...4, using: &random) {
                    let touchDay = created.adding(days: touch * 3)
                    if touchDay < end {
                        activity(rep, random.pick([.call, .email, .meeting, .demo, .proposal]), instant(touchDay, using: &random),
                                 account: account, deal: id, outcome: random.pick([.none, .completed, .accepted, .positiveReply, .negativeReply]))
                    }
                }
            }
        }

        var leads = "external_id,name,email,source,owner_rep_external_id,created_at,mql_at,sql_at,first_response_at,converted_at,account_external_id,disqualified_at\n"
        var leadCount = 0
        for offset in 0..<self.days {
            let day = firstDay.adding(days: offset)
            for _ in 0..<Int.random(in: 0...max(1, self.reps / 4), using: &random) {
                leadCount += 1
                let id = "lead-\(leadCount)"
                let owners = sdrs.filter { active($0, on: day) }
                let owner = owners.isEmpty ? nil : random.pick(owners)
                let created = instant(day, hour: 9, using: &random)
                func later(_ days: ClosedRange<Int>) -> String? {
                    let target = day.adding(days: Int.random(in: days, using: &random))
                    return target < end ? instant(target, hour: 15, using: &random) : nil
                }
                let response = random.chance(0.8) ? later(0...2) : nil
                let mql = random.chance(0.5) ? later(1...5) : nil
                let sql = mql != nil && random.chance(0.5) ? later(6...15) : nil
                let converted = sql != nil && random.chance(0.5) ? later(16...40) : nil
                let disqualified = converted == nil && random.chance(0.2) ? later(3...30) : nil
                let account = converted != nil ? random.pick(accountOwners).id : ""
                leads += "\(id),\(quote("Prospect \(leadCount)")),prospect\(leadCount)@lead.example,\(random.pick(sources)),\(owner?.id ?? ""),\(created),\(mql ?? ""),\(sql ?? ""),\(response ?? ""),\(converted ?? ""),\(account),\(disqualified ?? "")\n"
                if let owner, let response {
                    activity(owner, random.pick([.email, .call]), response, lead: id,
                             outcome: random.pick([.positiveReply, .negativeReply, .none, .none]))
                }
            }
        }

        var surveys = "external_id,kind,score,responded_at,account_external_id,rep_external_id\n"
        var surveyCount = 0
        for offset in stride(from: 0, to: self.days, by: 3) {
            let day = firstDay.adding(days: offset)
            surveyCount += 1
            surveys += "sv-\(surveyCount),nps,\(random.pick([10, 9, 9, 8, 7, 6, 10, 3])),\(instant(day, using: &random)),\(random.pick(accountOwners).id),\n"
            surveyCount += 1
            surveys += "sv-\(surveyCount),csat,\(Int.random(in: 2...5, using: &random)),\(instant(day, using: &random)),\(random.pick(accountOwners).id),\n"
            if offset % 30 == 0 {
                for rep in repList where active(rep, on: day) {
                    surveyCount += 1
                    surveys += "sv-\(surveyCount),enps,\(Int.random(in: 4...10, using: &random)),\(instant(day, using: &random)),,\(rep.id)\n"
                }
            }
        }

        var spend = "month,channel,category,amount\n"
        var targets = "scope,scope_external_id,metric,period,value\n"
        // Each seller calls the month on its 15th: what the month brings them, bent by habit —
        // every fourth seller sandbags (calls 70 %), the next over-calls (135 %), the rest call
        // close — with noise. The current month's outcome is its pace so far.
        var calls = "rep_external_id,team_external_id,period,category,amount,submitted_at\n"
        var month = LocalDate(year: firstDay.year, month: firstDay.month, day: 1)!
        while month <= self.lastDay {
            let label = "\(month.year)-\(month.month < 10 ? "0" : "")\(month.month)"
            for (channel, category, base) in [("paid_search", "marketing", 8000), ("events", "marketing", 5000), ("content", "marketing", 2000),
                                              ("salaries", "sales", 9000 * self.reps)] {
                spend += "\(label),\(channel),\(category),\(base + Int.random(in: 0...base / 5, using: &random)).00\n"
            }
            targets += "org,,revenue,\(label),\(self.reps * 45000)\norg,,win_rate,\(label),40\n"
            for (id, _, _) in regions { targets += "team,\(id),revenue,\(label),\(self.reps * 12000)\n" }
            for rep in sellers where active(rep, on: month) { targets += "rep,\(rep.id),revenue,\(label),50000\n" }
            let callDay = month.adding(days: 14)
            if callDay <= self.lastDay {
                let monthEnd = LocalDate(year: month.month == 12 ? month.year + 1 : month.year, month: month.month % 12 + 1, day: 1)!.adding(days: -1)
                let pace = monthEnd <= self.lastDay ? 1.0 : Double(month.days(to: monthEnd) + 1) / Double(month.days(to: self.lastDay) + 1)
                for (index, rep) in sellers.enumerated() where active(rep, on: callDay) {
                    let habit = index % 4 == 0 ? 0.7 : index % 4 == 1 ? 1.35 : 1.0
                    let commit = (wonByRepMonth["\(rep.id)|\(label)"] ?? 0) * pace * habit * Double.random(in: 0.85...1.15, using: &outlook)
                    calls += "\(rep.id),,\(label),commit,\(String(format: "%.2f", commit)),\(callDay)T10:00:00Z\n"
                    calls += "\(rep.id),,\(label),best_case,\(String(format: "%.2f", commit * 1.25)),\(callDay)T10:00:00Z\n"
                }
            }
            month = LocalDate(year: month.month == 12 ? month.year + 1 : month.year, month: month.month % 12 + 1, day: 1)!
        }

        return [(.teams, teams), (.reps, reps), (.accounts, accounts), (.stages, stages), (.leads, leads), (.deals, deals),
                (.stageChanges, changes), (.activities, activities), (.surveys, surveys), (.spend, spend), (.targets, targets), (.forecastCalls, calls)]
    }
}
