import Foundation
import PostgresClient

/// The values of a new org; defaults follow SPEC §3.
public struct NewOrg: Sendable {
    public var slug: String
    public var name: String
    public var timezone: String
    public var currency: String
    public var fiscalYearStartMonth: Int

    public init(slug: String, name: String, timezone: String = "UTC", currency: String = "USD", fiscalYearStartMonth: Int = 1) {
        self.slug = slug
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.fiscalYearStartMonth = fiscalYearStartMonth
    }
}

/// Changes to an org; nil leaves a field as it is.
public struct OrgChanges: Sendable {
    public var name: String?
    public var timezone: String?
    public var currency: String?
    public var fiscalYearStartMonth: Int?

    public init(name: String? = nil, timezone: String? = nil, currency: String? = nil, fiscalYearStartMonth: Int? = nil) {
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.fiscalYearStartMonth = fiscalYearStartMonth
    }
}

/// The tenant registry. Reading and creating orgs needs only the application role;
/// updating one needs that org's context.
public struct OrgRepository {
    let connection: Connection

    /// - Parameter connection: a connection inside `withApplicationRole` (reads and creation).
    public init(connection: Connection) {
        self.connection = connection
    }

    /// The repository inside an org's session: `update` changes that org only.
    public init(session: TenantSession) {
        self.connection = session.connection
        self.sessionOrgID = session.orgID
    }

    /// The org of the session this repository was opened in, if any.
    private var sessionOrgID: Int64?

    static let constraintMessages = [
        "orgs_slug_key": "an org with this slug already exists",
        "orgs_slug_format": "slug must be 2–63 characters of a–z, 0–9 and '-'",
        "orgs_timezone_valid": "timezone is not an IANA time zone name",
        "orgs_currency_format": "currency must be a three-letter ISO 4217 code",
        "orgs_fiscal_year_start_month_range": "fiscal year start month must be 1–12",
        "orgs_name_present": "name must not be empty",
    ]

    /// Creates an org.
    /// - Throws: `SalesOpsError.invalidInput` naming the bad field, `.conflict` when the slug is taken.
    public func create(_ org: NewOrg) throws -> Org {
        try self.validate(slug: org.slug, name: org.name, timezone: org.timezone, currency: org.currency,
                          fiscalYearStartMonth: org.fiscalYearStartMonth)
        return try translatingConstraints(Self.constraintMessages.merging(
            ["orgs_slug_key": "an org with slug '\(org.slug)' already exists"]) { $1 }) {
            let row = try self.connection.query("""
                INSERT INTO salesops.orgs (slug, name, timezone, currency, fiscal_year_start_month)
                VALUES (\(org.slug), \(org.name), \(org.timezone), \(org.currency), \(org.fiscalYearStartMonth))
                RETURNING \(unescaped: Self.columns)
                """).rows[0]
            let created = try Self.decode(row)
            try self.recordChange(of: created.id)
            return created
        }
    }

    /// Registers the org's lock row (once) and raises its read version (sql/036): the org
    /// registry keeps no triggers.
    private func recordChange(of orgID: Int64) throws {
        try self.connection.execute("SELECT salesops_meta.org_changed(\(orgID))")
    }

    /// The org with this slug, or nil.
    public func find(slug: String) throws -> Org? {
        try self.connection.query("SELECT \(unescaped: Self.columns) FROM salesops.orgs WHERE slug = \(slug)")
            .singleRow().map(Self.decode)
    }

    /// The org with this slug.
    /// - Throws: `SalesOpsError.notFound` when there is none.
    public func get(slug: String) throws -> Org {
        guard let org = try self.find(slug: slug) else { throw SalesOpsError.notFound("no org with slug '\(slug)'") }
        return org
    }

    /// Every org, by slug.
    public func list() throws -> [Org] {
        try self.connection.query("SELECT \(unescaped: Self.columns) FROM salesops.orgs ORDER BY slug").rows.map(Self.decode)
    }

    /// Applies `changes` to the session's org (a repository opened with `init(session:)`).
    /// - Throws: `.notFound` when the org is not the session's, `.invalidInput` for a bad value.
    public func update(slug: String, _ changes: OrgChanges) throws -> Org {
        guard let orgID = self.sessionOrgID else { throw SalesOpsError.notFound("org '\(slug)' is not the org in context") }
        let current = try self.get(slug: slug)
        try self.validate(slug: current.slug, name: changes.name ?? current.name, timezone: changes.timezone ?? current.timezone,
                          currency: changes.currency ?? current.currency,
                          fiscalYearStartMonth: changes.fiscalYearStartMonth ?? current.fiscalYearStartMonth)
        return try translatingConstraints(Self.constraintMessages) {
            let row = try self.connection.query("""
                UPDATE salesops.orgs SET
                    name = COALESCE(\(changes.name), name),
                    timezone = COALESCE(\(changes.timezone), timezone),
                    currency = COALESCE(\(changes.currency), currency),
                    fiscal_year_start_month = COALESCE(\(changes.fiscalYearStartMonth)::smallint, fiscal_year_start_month)
                WHERE id = \(orgID) AND slug = \(slug)
                RETURNING \(unescaped: Self.columns)
                """).singleRow()
            guard let row else { throw SalesOpsError.notFound("org '\(slug)' is not the org in context") }
            try self.recordChange(of: orgID)
            return try Self.decode(row)
        }
    }

    private func validate(slug: String, name: String, timezone: String, currency: String, fiscalYearStartMonth: Int) throws {
        guard slug.utf8.count >= 2, slug.utf8.count <= 63,
              slug.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else { throw SalesOpsError.invalidInput("slug '\(slug)': must be 2–63 characters of a–z, 0–9 and '-'") }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SalesOpsError.invalidInput("name must not be empty")
        }
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            throw SalesOpsError.invalidInput("currency '\(currency)': must be a three-letter ISO 4217 code such as USD")
        }
        guard (1...12).contains(fiscalYearStartMonth) else {
            throw SalesOpsError.invalidInput("fiscal year start month \(fiscalYearStartMonth): must be 1–12")
        }
        let known: Bool = try self.connection.query("SELECT salesops.is_valid_timezone(\(timezone)) AS known").rows[0].decode("known")
        guard known else {
            throw SalesOpsError.invalidInput("timezone '\(timezone)': not an IANA time zone name (e.g. Europe/Berlin)")
        }
    }

    static let columns = "id, slug, name, timezone, currency, fiscal_year_start_month, created_at"

    static func decode(_ row: Row) throws -> Org {
        Org(id: try row.decode("id"), slug: try row.decode("slug"), name: try row.decode("name"),
            timezone: try row.decode("timezone"), currency: try row.decode("currency"),
            fiscalYearStartMonth: try row.decode("fiscal_year_start_month"), createdAt: try row.decode("created_at"))
    }
}
