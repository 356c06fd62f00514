import ArgumentParser

/// `salesctl org ...`: the tenants.
struct OrgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create, list, show and update orgs (tenants); grant and revoke BI reader roles; isolate a whale org on a cluster.",
        subcommands: [OrgCreate.self, OrgList.self, OrgShow.self, OrgUpdate.self, OrgGrantReader.self, OrgRevokeReader.self, OrgIsolate.self]
    )
}

/// Validates the fields of `org create` and `org update` that need no database.
enum OrgArguments {
    static func validate(slug: String?, currency: String?, fiscalYearStart: Int?) throws {
        if let slug, slug.range(of: "^[a-z0-9-]{2,63}$", options: .regularExpression) == nil {
            throw ValidationError("slug '\(slug)' must be 2–63 characters of a–z, 0–9 and '-'")
        }
        if let currency, currency.range(of: "^[A-Z]{3}$", options: .regularExpression) == nil {
            throw ValidationError("--currency '\(currency)' must be a three-letter ISO 4217 code such as USD")
        }
        if let fiscalYearStart, !(1...12).contains(fiscalYearStart) {
            throw ValidationError("--fiscal-year-start \(fiscalYearStart) must be a month number 1–12")
        }
    }
}
