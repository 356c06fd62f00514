import PostgresClient

/// Errors for names of the org's own that do not exist — a team, a rep, a pipeline, a stage —
/// each with the org's nearest existing names (compared with at most `candidateLimit` of them,
/// so an org with many reps answers a typo as fast as a small one).
struct OrgNames {
    let session: TenantSession

    static let candidateLimit = 2_000

    func unknownTeam(_ externalID: String) throws -> UnknownName {
        UnknownName(kind: "team", name: externalID, reason: "is not a team of this org (by external id)",
                    known: try self.names("SELECT external_id AS name FROM salesops.teams WHERE org_id = \(self.session.orgID)"),
                    listing: .teams, isMissingEntity: true)
    }

    func unknownRep(_ externalID: String) throws -> UnknownName {
        UnknownName(kind: "rep", name: externalID, reason: "is not a rep of this org (by external id)",
                    known: try self.names("SELECT external_id AS name FROM salesops.reps WHERE org_id = \(self.session.orgID)"),
                    listing: .reps, isMissingEntity: true)
    }

    func unknownPipeline(_ name: String) throws -> UnknownName {
        UnknownName(kind: "pipeline", name: name, reason: "is not a pipeline of this org",
                    known: try self.names("SELECT name FROM salesops.pipelines WHERE org_id = \(self.session.orgID)"),
                    listing: .stages, isMissingEntity: true)
    }

    func unknownStage(_ name: String, pipeline: String) throws -> UnknownName {
        UnknownName(kind: "stage", name: name, reason: "is not a stage of pipeline '\(pipeline)'",
                    known: try self.names("""
                        SELECT s.name FROM salesops.stages s JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id
                        WHERE s.org_id = \(self.session.orgID) AND p.org_id = \(self.session.orgID) AND p.name = \(pipeline)
                        """),
                    listing: .stages, isMissingEntity: true)
    }

    /// The unknown-name error of a team or rep scope.
    func unknownScope(_ scope: TargetScope) throws -> any Error {
        switch scope {
        case .org: SalesOpsError.notFound("the org scope has no row")
        case .team(let id): try self.unknownTeam(id)
        case .rep(let id): try self.unknownRep(id)
        }
    }

    private func names(_ query: Query) throws -> [String] {
        try self.session.connection.query("SELECT name FROM (\(query)) AS known LIMIT \(Self.candidateLimit)").rows.map {
            try $0.decode("name")
        }
    }
}
