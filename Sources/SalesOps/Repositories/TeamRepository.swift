import PostgresClient

/// Teams of the org in context.
public struct TeamRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    static let constraintMessages = [
        "teams_external_id_key": "a team with this external id already exists",
        "teams_no_parent_cycle": "the parent chain would loop back to the team",
        "teams_not_own_parent": "a team cannot be its own parent",
        "teams_name_present": "team name must not be empty",
        "teams_external_id_present": "team external id must not be empty",
    ]

    /// Creates a team.
    /// - Parameters:
    ///   - externalID: the tenant's id; generated when nil.
    ///   - parentExternalID: the parent team, if any.
    public func create(externalID: String?, name: String, parentExternalID: String?, kind: TeamKind = .field) throws -> Team {
        let parentID = try parentExternalID.map { try self.id(of: $0) }
        let externalID = externalID ?? ExternalID.generate(prefix: "team")
        return try translatingConstraints(Self.constraintMessages) {
            let row = try self.session.connection.query("""
                INSERT INTO salesops.teams (org_id, external_id, name, parent_id, kind)
                VALUES (\(self.session.orgID), \(externalID), \(name), \(parentID), \(kind))
                RETURNING id
                """).rows[0]
            return try self.get(id: row.decode("id"))
        }
    }

    /// The team with this external id.
    /// - Throws: `SalesOpsError.notFound` when there is none.
    public func get(externalID: String) throws -> Team {
        try self.get(id: self.id(of: externalID))
    }

    /// Every team, by external id.
    public func list() throws -> [Team] {
        try self.session.connection.query("\(self.select) ORDER BY t.external_id")
            .rows.map(Self.decode)
    }

    /// Every team depth-first (siblings by name), each with its depth below the top level (0).
    public func tree() throws -> [(team: Team, depth: Int)] {
        try self.session.connection.query("""
            SELECT t.id, t.external_id, t.name, p.external_id AS parent_external_id, t.kind, s.depth
            FROM salesops.team_subtree(\(self.session.orgID), NULL) s
            JOIN salesops.teams t ON t.org_id = \(self.session.orgID) AND t.id = s.team_id
            LEFT JOIN salesops.teams p ON p.org_id = t.org_id AND p.id = t.parent_id
            ORDER BY s.path, t.external_id
            """).rows.map { (try Self.decode($0), try $0.decode("depth", as: Int.self)) }
    }

    /// Changes a team's name, parent or kind.
    public func update(externalID: String, name: String?, parent: ReferenceChange, kind: TeamKind?) throws -> Team {
        let id = try self.id(of: externalID)
        var parentID: Int64?
        if case .set(let parentExternalID) = parent { parentID = try self.id(of: parentExternalID) }
        let changeParent = parent != .keep
        return try translatingConstraints(Self.constraintMessages) {
            try self.session.connection.execute("""
                UPDATE salesops.teams SET
                    name = COALESCE(\(name), name),
                    kind = COALESCE(\(kind), kind),
                    parent_id = CASE WHEN \(changeParent) THEN \(parentID) ELSE parent_id END
                WHERE org_id = \(self.session.orgID) AND id = \(id)
                """)
            return try self.get(id: id)
        }
    }

    /// Deletes a team that has no reps, sub-teams or targets.
    public func delete(externalID: String) throws {
        let id = try self.id(of: externalID)
        try translatingConstraints([
            "teams_parent_fkey": "team '\(externalID)' still has sub-teams",
            "reps_team_fkey": "team '\(externalID)' still has reps",
        ]) {
            try self.session.connection.execute("DELETE FROM salesops.teams WHERE org_id = \(self.session.orgID) AND id = \(id)")
        }
    }

    /// The internal id of a team.
    /// - Throws: `SalesOpsError.notFound` naming the external id.
    public func id(of externalID: String) throws -> Int64 {
        guard let row = try self.session.connection.query(
            "SELECT id FROM salesops.teams WHERE org_id = \(self.session.orgID) AND external_id = \(externalID)"
        ).singleRow() else { throw try OrgNames(session: self.session).unknownTeam(externalID) }
        return try row.decode("id")
    }

    private func get(id: Int64) throws -> Team {
        try Self.decode(self.session.connection.query("\(self.select) AND t.id = \(id)").rows[0])
    }

    /// The team columns of this org's teams, open for `AND …` conditions.
    var select: Query {
        """
        SELECT t.id, t.external_id, t.name, p.external_id AS parent_external_id, t.kind
        FROM salesops.teams t
        LEFT JOIN salesops.teams p ON p.org_id = t.org_id AND p.id = t.parent_id
        WHERE t.org_id = \(self.session.orgID)
        """
    }

    static func decode(_ row: Row) throws -> Team {
        Team(id: try row.decode("id"), externalID: try row.decode("external_id"), name: try row.decode("name"),
             parentExternalID: try row.decode("parent_external_id"), kind: try row.decode("kind"))
    }
}
