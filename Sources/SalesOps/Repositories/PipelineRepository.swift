import Foundation
import PostgresClient

/// Pipelines and their stages, for the org in context.
public struct PipelineRepository {
    let session: TenantSession

    public init(session: TenantSession) {
        self.session = session
    }

    static let constraintMessages = [
        "pipelines_name_key": "a pipeline with this name already exists",
        "pipelines_name_present": "pipeline name must not be empty",
        "stages_name_key": "this pipeline already has a stage with this name",
        "stages_position_key": "this pipeline already has a stage at this position",
        "stages_probability_range": "probability must be 0–100",
        "stages_name_present": "stage name must not be empty",
        "deals_closed_iff_final_stage": "deals in this stage would no longer match its kind (closed_at is set iff the stage is won or lost)",
    ]

    /// Creates an empty pipeline.
    public func create(name: String) throws -> Pipeline {
        try translatingConstraints(Self.constraintMessages.merging(
            ["pipelines_name_key": "a pipeline named '\(name)' already exists"]) { $1 }) {
            try self.session.connection.execute(
                "INSERT INTO salesops.pipelines (org_id, name) VALUES (\(self.session.orgID), \(name))")
            return try self.get(name: name)
        }
    }

    /// Every pipeline with its stages.
    public func list() throws -> [Pipeline] {
        let stages = try self.stages(pipeline: nil)
        return try self.session.connection.query("SELECT id, name FROM salesops.pipelines WHERE org_id = \(self.session.orgID) ORDER BY name").rows.map { row in
            let name: String = try row.decode("name")
            return Pipeline(id: try row.decode("id"), name: name, stages: stages.filter { $0.pipeline == name })
        }
    }

    /// One pipeline with its stages.
    public func get(name: String) throws -> Pipeline {
        let id = try self.id(of: name)
        return Pipeline(id: id, name: name, stages: try self.stages(pipeline: name))
    }

    /// Adds a stage; the probability defaults by kind (open 10, won 100, lost 0).
    public func addStage(pipeline: String, name: String, position: Int, kind: StageKind, probability: Decimal?) throws -> Stage {
        let pipelineID = try self.id(of: pipeline)
        let probability = probability ?? Decimal(kind.defaultProbability)
        try Self.validate(probability: probability)
        return try translatingConstraints(Self.constraintMessages) {
            try self.session.connection.execute("""
                INSERT INTO salesops.stages (org_id, pipeline_id, name, position, kind, probability)
                VALUES (\(self.session.orgID), \(pipelineID), \(name), \(position), \(kind), \(probability))
                """)
            return try self.stage(pipeline: pipeline, name: name)
        }
    }

    /// Stages of one pipeline (or of all when nil), by pipeline and position.
    public func stages(pipeline: String?) throws -> [Stage] {
        try self.session.connection.query("""
            SELECT s.id, p.name AS pipeline, s.name, s.position, s.kind, s.probability
            FROM salesops.stages s
            JOIN salesops.pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id
            WHERE s.org_id = \(self.session.orgID) AND (\(pipeline)::text IS NULL OR p.name = \(pipeline))
            ORDER BY p.name, s.position
            """).rows.map(Self.decodeStage)
    }

    /// Changes a stage's name, position, kind or probability. Changing the kind is refused
    /// while deals in the stage would break the closed_at rule.
    public func updateStage(pipeline: String, name: String, newName: String?, position: Int?, kind: StageKind?,
                            probability: Decimal?) throws -> Stage {
        let stage = try self.stage(pipeline: pipeline, name: name)
        if let probability { try Self.validate(probability: probability) }
        return try translatingConstraints(Self.constraintMessages) {
            try self.session.connection.execute("""
                UPDATE salesops.stages SET
                    name = COALESCE(\(newName), name),
                    position = COALESCE(\(position)::integer, position),
                    kind = COALESCE(\(kind), kind),
                    probability = COALESCE(\(probability), probability)
                WHERE org_id = \(self.session.orgID) AND id = \(stage.id)
                """)
            // The stage's deals take its new kind in the same transaction; the key between them
            // is checked at commit (sql/035), the closed_at rule here.
            try self.session.connection.execute("""
                UPDATE salesops.deals SET stage_kind = \(kind)
                WHERE org_id = \(self.session.orgID) AND stage_id = \(stage.id) AND stage_kind <> \(kind)
                """)
            // Surface a deferred position clash here, with a clear message, not at commit.
            try self.session.connection.execute("SET CONSTRAINTS salesops.stages_position_key IMMEDIATE")
            return try self.stage(pipeline: pipeline, name: newName ?? name)
        }
    }

    /// One stage of a pipeline.
    public func stage(pipeline: String, name: String) throws -> Stage {
        guard let stage = try self.stages(pipeline: pipeline).first(where: { $0.name == name }) else {
            _ = try self.id(of: pipeline)
            throw try OrgNames(session: self.session).unknownStage(name, pipeline: pipeline)
        }
        return stage
    }

    /// The internal id of a pipeline.
    public func id(of name: String) throws -> Int64 {
        guard let row = try self.session.connection.query(
            "SELECT id FROM salesops.pipelines WHERE org_id = \(self.session.orgID) AND name = \(name)"
        ).singleRow() else { throw try OrgNames(session: self.session).unknownPipeline(name) }
        return try row.decode("id")
    }

    static func validate(probability: Decimal) throws {
        guard probability >= 0, probability <= 100 else {
            throw SalesOpsError.invalidInput("probability \(probability): must be 0–100")
        }
    }

    static func decodeStage(_ row: Row) throws -> Stage {
        Stage(id: try row.decode("id"), pipeline: try row.decode("pipeline"), name: try row.decode("name"),
              position: try row.decode("position"), kind: try row.decode("kind"), probability: try row.decode("probability"))
    }
}
