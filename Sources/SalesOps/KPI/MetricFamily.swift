import PostgresClient

/// One metric family: a set-based statement that computes its metrics into one of the run's
/// new-fact tables. A family is declared once, in its own file, and everything else that
/// names metrics is derived from the declarations: the materializer's run order, the
/// reader's list of materialized metrics, and the check of each run's metric names.
/// `MetricDeclarationTests` holds them against the catalogue (`salesops.metrics`) and the
/// stage and breakdown tables' CHECK lists, and requires each family to write exactly the
/// metrics it declares.
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

    /// A short name for logs.
    var name: String
    var target: Target
    /// Every metric name the statement may write.
    var metrics: [String]
    /// The statement for an org; it reads the run's temporary tables and binds only the
    /// inputs it uses.
    var query: @Sendable (FamilyInput) -> Query
}

/// What a family's statement may bind: the org's id and its IANA time zone (local days).
struct FamilyInput: Sendable {
    var id: Int64
    var timeZone: String
}
