import Foundation
import SalesOps

/// `kpi explain` for people, as the dashboard's explain page reads: the number in its unit,
/// whether it equals what the last run stored, its definition and inputs, then each side's
/// records with money in the org's currency, quantities to two decimals and yes/no for booleans.
struct ExplainText {
    var explanation: Explanation
    var human: HumanValue

    /// Numeric columns holding amounts of money.
    static let moneyColumns: Set<String> = ["amount", "revenue", "sold", "target", "rep_target", "cost", "spend", "value"]

    var unit: MetricUnit { MetricCatalogue.standard.unit(of: self.explanation.metric) }

    func render() -> String {
        let e = self.explanation, period = e.period
        var heading = "\(e.metric) · \(e.scope) · \(period.kind) \(period.label)"
        if let stage = e.stage { heading += " · stage \(stage)" }
        if let dimension = e.dimension { heading += " · \(dimension) = \(e.key ?? "")" }
        var fields: [(String, String?)] = [
            ("period", "\(period.start) to \(period.end), records counted to \(e.stop)"),
            ("definition", e.definition),
            ("value", self.human.value(e.value, unit: self.unit) ?? "none (nothing to divide by)"),
        ]
        if e.numerator != nil || e.denominator != nil {
            fields.append(("numerator", self.part(e.numerator, side: "numerator")))
            fields.append(("denominator", self.part(e.denominator, side: "denominator")))
        }
        fields.append(("stored", self.agreement))
        var text = heading + "\n" + Output.renderFields(fields)
        if !e.inputs.isEmpty {
            text += "\ncomputed from:\n"
            for input in e.inputs {
                let value = self.human.value(input.value, unit: MetricCatalogue.standard.unit(of: input.metric)) ?? "none"
                text += "  \(input.metric) \(input.period) \(input.scope): \(value)\n"
            }
        }
        for side in e.sides {
            text += "\n" + self.render(side)
        }
        return text
    }

    /// One line: whether the recomputed number equals the one the last run stored.
    var agreement: String {
        let e = self.explanation, asOf = e.period.asOf
        if e.agreesWithMaterialized { return "equals the number the run as of \(asOf) stored" }
        let stored = e.materialized
        var was = self.human.value(stored.value, unit: self.unit) ?? "no value"
        if stored.numerator != nil || stored.denominator != nil {
            was += " (\(HumanValue.quantity(stored.numerator) ?? "none") / \(HumanValue.quantity(stored.denominator) ?? "none"))"
        }
        return "differs: the run as of \(asOf) stored \(was); the data changed since"
    }

    /// Whether a side's weights are amounts of money (a sum behind a money metric).
    func isMoney(_ side: ExplainSide) -> Bool {
        side.totalKind == "sum" && self.unit == .money
    }

    /// The numerator or denominator line: money when its side sums money.
    func part(_ value: Decimal?, side name: String) -> String {
        guard let value else { return "none" }
        if let side = self.explanation.sides.first(where: { $0.name == name }), self.isMoney(side) {
            return self.human.value(value, unit: .money) ?? "none"
        }
        return ReadableNumber.quantity(value)
    }

    func render(_ side: ExplainSide) -> String {
        let money = self.isMoney(side)
        let total = money ? self.human.value(side.total, unit: .money) : HumanValue.quantity(side.total)
        let records = side.recordCount == 1 ? "1 record" : "\(side.recordCount) records"
        var text = "\(side.name): \(side.description): \(records), \(side.totalKind) \(total ?? "0")\n"
        guard !side.records.isEmpty else { return text }
        let rows = side.records.map { record in
            record.enumerated().map { index, cell in
                self.cell(cell, column: side.columns[index], type: side.columnTypes[index], moneyWeight: money)
            }
        }
        text += Output.renderTable(side.columns.map { $0.uppercased() }, rows)
        text += "(records \(side.offset + 1)–\(side.offset + side.records.count) of \(side.recordCount))\n"
        return text
    }

    /// A record's cell for people: yes/no, money in the org's currency, other decimals to two places.
    func cell(_ text: String?, column: String, type: String, moneyWeight: Bool) -> String? {
        guard let text else { return nil }
        switch type {
        case "bool":
            return text == "t" ? "yes" : text == "f" ? "no" : text
        case "numeric", "float4", "float8":
            guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return text }
            if Self.moneyColumns.contains(column) || (column == "weight" && moneyWeight) {
                return self.human.value(number, unit: .money)
            }
            return ReadableNumber.grouped(number, decimals: 2)
        default:
            return text
        }
    }
}
