import Foundation
import PostgresClient

/// Deals of the org in context, and their moves between stages.
public struct DealRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    /// The deal with this external id.
    public func get(externalID: String) throws -> Deal {
        guard let row = try self.session.connection.query("\(self.select) AND d.external_id = \(externalID)")
            .singleRow() else { throw SalesOpsError.notFound("no deal with external id '\(externalID)'") }
        return try Self.decode(row)
    }

    /// Deals, newest first; only those of one owner when given.
    public func list(ownerRepExternalID: String? = nil, limit: Int = 100) throws -> [Deal] {
        try self.session.connection.query("""
            \(self.select)
              AND (\(ownerRepExternalID)::text IS NULL OR r.external_id = \(ownerRepExternalID))
            ORDER BY d.created_at DESC, d.external_id
            LIMIT \(limit)
            """).rows.map(Self.decode)
    }

    /// Moves a deal to another stage of its pipeline at `time`, recording the stage change.
    ///
    /// Entering a won or lost stage sets `closed_at` to `time`; entering an open stage clears it.
    /// - Throws: `.notFound` for an unknown deal or stage; `.invalidInput` when the deal is
    ///   already in that stage or `time` is before the deal was created.
    public func move(externalID: String, toStage stageName: String, at time: Date) throws -> Deal {
        let deal = try self.get(externalID: externalID)
        let target = try PipelineRepository(session: self.session).stage(pipeline: deal.pipeline, name: stageName)
        guard target.name != deal.stage else {
            throw SalesOpsError.invalidInput("deal '\(externalID)' is already in stage '\(stageName)'")
        }
        guard time >= deal.createdAt else {
            throw SalesOpsError.invalidInput("deal '\(externalID)': the move time \(TimestampFormat.rfc3339(time)) is before the deal was created")
        }
        return try translatingConstraints(["deal_stage_changes_key": "deal '\(externalID)' already has a move into '\(stageName)' at that time"]) {
            // Two statements, each one on the org's node of a Citus cluster (an INSERT … SELECT
            // from a modifying WITH would pass the row through the coordinator).
            guard let moved = try self.session.connection.query("""
                UPDATE salesops.deals d SET
                    stage_id = \(target.id),
                    stage_kind = \(target.kind),
                    closed_at = CASE WHEN \(target.kind.isClosed) THEN \(time) END
                FROM salesops.deals previous
                WHERE d.org_id = \(self.session.orgID) AND d.id = \(deal.id)
                  AND previous.org_id = d.org_id AND previous.id = d.id
                RETURNING d.pipeline_id, previous.stage_id AS from_stage_id
                """).rows.first else { throw SalesOpsError.notFound("deal '\(externalID)' no longer exists") }
            try self.session.connection.execute("""
                INSERT INTO salesops.deal_stage_changes (org_id, deal_id, pipeline_id, from_stage_id, to_stage_id, changed_at)
                VALUES (\(self.session.orgID), \(deal.id), \(try moved.decode("pipeline_id", as: Int64.self)),
                        \(try moved.decode("from_stage_id", as: Int64.self)), \(target.id), \(time))
                """)
            return try self.get(externalID: externalID)
        }
    }

    /// A deal's stage history, oldest first.
    public func stageChanges(externalID: String) throws -> [StageChange] {
        try self.session.connection.query("""
            SELECT d.external_id AS deal_external_id, f.name AS from_stage, t.name AS to_stage, c.changed_at
            FROM salesops.deal_stage_changes c
            JOIN salesops.deals d ON d.org_id = c.org_id AND d.id = c.deal_id
            LEFT JOIN salesops.stages f ON f.org_id = c.org_id AND f.id = c.from_stage_id
            JOIN salesops.stages t ON t.org_id = c.org_id AND t.id = c.to_stage_id
            WHERE c.org_id = \(self.session.orgID) AND d.external_id = \(externalID)
            ORDER BY c.changed_at, c.id
            """).rows.map { row in
            StageChange(dealExternalID: try row.decode("deal_external_id"), fromStage: try row.decode("from_stage"),
                        toStage: try row.decode("to_stage"), changedAt: try row.decode("changed_at"))
        }
    }

    /// The deal columns of this org's deals, open for `AND …` conditions.
    var select: Query {
        """
        SELECT d.id, d.external_id, d.name, a.external_id AS account_external_id, r.external_id AS owner_rep_external_id,
               p.name AS pipeline, s.name AS stage, d.stage_kind, d.amount, d.type, d.product, d.contract_months,
               d.created_at, d.closed_at, d.expected_close_on
        FROM salesops.deals d
        JOIN salesops.accounts a ON a.org_id = d.org_id AND a.id = d.account_id
        JOIN salesops.reps r ON r.org_id = d.org_id AND r.id = d.owner_rep_id
        JOIN salesops.pipelines p ON p.org_id = d.org_id AND p.id = d.pipeline_id
        JOIN salesops.stages s ON s.org_id = d.org_id AND s.id = d.stage_id
        WHERE d.org_id = \(self.session.orgID)
        """
    }

    static func decode(_ row: Row) throws -> Deal {
        Deal(id: try row.decode("id"), externalID: try row.decode("external_id"), name: try row.decode("name"),
             accountExternalID: try row.decode("account_external_id"), ownerRepExternalID: try row.decode("owner_rep_external_id"),
             pipeline: try row.decode("pipeline"), stage: try row.decode("stage"), stageKind: try row.decode("stage_kind"),
             amount: try row.decode("amount"), type: try row.decode("type"), product: try row.decode("product"),
             contractMonths: try row.decode("contract_months"), createdAt: try row.decode("created_at"),
             closedAt: try row.decode("closed_at"), expectedCloseOn: try row.decode("expected_close_on"))
    }
}
