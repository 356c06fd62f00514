import ArgumentParser
import Foundation
import SalesOps

/// `salesctl deal show`: Show a deal and its stage history.
struct DealShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a deal and its stage history.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var scope: OrgOption

    @Argument(help: "The deal's external id.")
    var externalId: String

    @Flag(help: "Print JSON.")
    var json = false

    private struct Shown: Encodable {
        var deal: Deal
        var stageChanges: [StageChange]
    }

    func run() throws {
        try reportingErrors {
            let (deal, history) = try Session.open(self.global).inOrg(self.scope.org) { session in
                let repository = DealRepository(session: session)
                return (try repository.get(externalID: self.externalId), try repository.stageChanges(externalID: self.externalId))
            }
            if self.json { try Output.json(Shown(deal: deal, stageChanges: history)) } else { Self.print(deal, history: history) }
        }
    }

    static func print(_ deal: Deal, history: [StageChange]?) {
        Output.fields([
            ("external_id", deal.externalID), ("name", deal.name), ("account", deal.accountExternalID),
            ("owner", deal.ownerRepExternalID), ("pipeline", deal.pipeline), ("stage", "\(deal.stage) (\(deal.stageKind.rawValue))"),
            ("amount", "\(deal.amount)"), ("type", deal.type.rawValue), ("product", deal.product),
            ("contract_months", String(deal.contractMonths)), ("created_at", Output.instant(deal.createdAt)),
            ("closed_at", Output.instant(deal.closedAt)),
        ])
        guard let history, !history.isEmpty else { return }
        Swift.print("")
        Output.table(["CHANGED AT", "FROM", "TO"], history.map { [Output.instant($0.changedAt), $0.fromStage, $0.toStage] })
    }
}
