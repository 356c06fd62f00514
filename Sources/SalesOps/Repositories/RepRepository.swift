import PostgresClient

/// The values of a new rep.
public struct NewRep: Sendable {
    public var externalID: String?
    public var name: String
    public var email: String
    public var teamExternalID: String?
    public var role: RepRole
    public var hiredOn: LocalDate

    public init(externalID: String?, name: String, email: String, teamExternalID: String?, role: RepRole = .ae, hiredOn: LocalDate) {
        self.externalID = externalID
        self.name = name
        self.email = email
        self.teamExternalID = teamExternalID
        self.role = role
        self.hiredOn = hiredOn
    }
}

/// Reps of the org in context.
public struct RepRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    static let constraintMessages = [
        "reps_external_id_key": "a rep with this external id already exists",
        "reps_email_key": "another rep of this org already has this email",
        "reps_left_after_hired": "left_on must not be before hired_on",
        "reps_email_format": "email must look like name@domain",
        "reps_name_present": "rep name must not be empty",
    ]

    /// Adds a rep.
    public func add(_ rep: NewRep) throws -> Rep {
        let teamID = try rep.teamExternalID.map { try TeamRepository(session: self.session).id(of: $0) }
        let externalID = rep.externalID ?? ExternalID.generate(prefix: "rep")
        return try translatingConstraints(Self.constraintMessages) {
            let row = try self.session.connection.query("""
                INSERT INTO salesops.reps (org_id, external_id, name, email, team_id, role, hired_on)
                VALUES (\(self.session.orgID), \(externalID), \(rep.name), \(rep.email), \(teamID), \(rep.role), \(rep.hiredOn))
                RETURNING id
                """).rows[0]
            return try self.get(id: row.decode("id"))
        }
    }

    /// The rep with this external id.
    public func get(externalID: String) throws -> Rep {
        try self.get(id: self.id(of: externalID))
    }

    /// Reps by external id; only those in `teamExternalID` when given.
    public func list(teamExternalID: String? = nil) throws -> [Rep] {
        let teamID = try teamExternalID.map { try TeamRepository(session: self.session).id(of: $0) }
        return try self.session.connection.query("""
            \(self.select)
              AND (\(teamID)::bigint IS NULL OR r.team_id = \(teamID))
            ORDER BY r.external_id
            """).rows.map(Self.decode)
    }

    /// Changes a rep's name, email, team or role.
    public func update(externalID: String, name: String?, email: String?, team: ReferenceChange, role: RepRole?) throws -> Rep {
        let id = try self.id(of: externalID)
        var teamID: Int64?
        if case .set(let team) = team { teamID = try TeamRepository(session: self.session).id(of: team) }
        let changeTeam = team != .keep
        return try translatingConstraints(Self.constraintMessages) {
            try self.session.connection.execute("""
                UPDATE salesops.reps SET
                    name = COALESCE(\(name), name),
                    email = COALESCE(\(email), email),
                    role = COALESCE(\(role), role),
                    team_id = CASE WHEN \(changeTeam) THEN \(teamID) ELSE team_id END
                WHERE org_id = \(self.session.orgID) AND id = \(id)
                """)
            return try self.get(id: id)
        }
    }

    /// Records that a rep left on `date` (their last active day is the day before).
    public func leave(externalID: String, on date: LocalDate) throws -> Rep {
        let id = try self.id(of: externalID)
        return try translatingConstraints(Self.constraintMessages.merging(
            ["reps_left_after_hired": "left_on \(date) is before the rep's hired_on"]) { $1 }) {
            try self.session.connection.execute(
                "UPDATE salesops.reps SET left_on = \(date) WHERE org_id = \(self.session.orgID) AND id = \(id)")
            return try self.get(id: id)
        }
    }

    /// The internal id of a rep.
    public func id(of externalID: String) throws -> Int64 {
        guard let row = try self.session.connection.query(
            "SELECT id FROM salesops.reps WHERE org_id = \(self.session.orgID) AND external_id = \(externalID)"
        ).singleRow() else { throw try OrgNames(session: self.session).unknownRep(externalID) }
        return try row.decode("id")
    }

    private func get(id: Int64) throws -> Rep {
        try Self.decode(self.session.connection.query("\(self.select) AND r.id = \(id)").rows[0])
    }

    /// The rep columns of this org's reps, open for `AND …` conditions.
    var select: Query {
        """
        SELECT r.id, r.external_id, r.name, r.email, t.external_id AS team_external_id, r.role, r.hired_on, r.left_on
        FROM salesops.reps r
        LEFT JOIN salesops.teams t ON t.org_id = r.org_id AND t.id = r.team_id
        WHERE r.org_id = \(self.session.orgID)
        """
    }

    static func decode(_ row: Row) throws -> Rep {
        Rep(id: try row.decode("id"), externalID: try row.decode("external_id"), name: try row.decode("name"),
            email: try row.decode("email"), teamExternalID: try row.decode("team_external_id"), role: try row.decode("role"),
            hiredOn: try row.decode("hired_on"), leftOn: try row.decode("left_on"))
    }
}
