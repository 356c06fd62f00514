import PostgresClient

/// One metric family: a set-based statement that computes its metrics into one of the run's
/// new-fact tables. Which metrics a family writes is said by the metrics' specs
/// (`MetricSpec.family`), not here; `MetricDeclarationTests` requires each family to write
/// exactly the metrics whose specs name it.
struct MetricFamily: Sendable {
    /// The fact table a family writes.
    enum Target: Sendable, Equatable {
        /// `kpi_new_facts` → `kpi.metric_facts`: metrics of the catalogue, by period and scope.
        case metrics
        /// `kpi_new_stage_facts` → `kpi.stage_facts`: per stage, org scope.
        case stages
        /// `kpi_new_breakdown_facts` → `kpi.breakdown_facts`: per dimension key.
        case breakdowns
    }

    /// The family's name, as the specs of its metrics give it.
    var name: String
    var target: Target
    /// The statement for an org; it reads the run's temporary tables and binds only the
    /// inputs it uses.
    var query: @Sendable (FamilyInput) -> Query
}

/// What a family's statement may bind: the org's id and its IANA time zone (local days).
struct FamilyInput: Sendable {
    var id: Int64
    var timeZone: String
}
