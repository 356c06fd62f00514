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

    @OptionGroup var output: OutputOptions

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
            try Output.print(Self.rendering(deal, history: history), as: self.output.format)
        }
    }

    static func print(_ deal: Deal, history: [StageChange]?) {
        Swift.print(self.rendering(deal, history: history).table, terminator: "")
    }

    /// A deal as "key: value" lines with its history as a table, JSON, or its history as CSV.
    static func rendering(_ deal: Deal, history: [StageChange]?) -> Rendering {
        var text = Output.renderFields([
            ("external_id", deal.externalID), ("name", deal.name), ("account", deal.accountExternalID),
            ("owner", deal.ownerRepExternalID), ("pipeline", deal.pipeline), ("stage", "\(deal.stage) (\(deal.stageKind.rawValue))"),
            ("amount", "\(deal.amount)"), ("type", deal.type.rawValue), ("product", deal.product),
            ("contract_months", String(deal.contractMonths)), ("created_at", Output.instant(deal.createdAt)),
            ("closed_at", Output.instant(deal.closedAt)), ("expected_close_on", deal.expectedCloseOn?.description),
        ])
        let header = ["CHANGED AT", "FROM", "TO"]
        let rows = (history ?? []).map { [Output.instant($0.changedAt), $0.fromStage, $0.toStage] }
        if !rows.isEmpty { text += "\n" + Output.renderTable(header, rows) }
        return Rendering(table: text, header: header, rows: rows, json: Shown(deal: deal, stageChanges: history ?? []))
    }
}
