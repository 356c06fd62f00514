/// The metrics the product knows, each declared once (`MetricSpec`), and the families that
/// compute them in run order. The engine, the reader, explain, the API, the CLI and the
/// dashboard read metric names, order, units and grain from here; tests hold it against the
/// catalogue table (`salesops.metrics`) and against what the families really write.
public struct MetricCatalogue: Sendable {
    /// The families in the order they run. Each inserts into its new-fact table, reading the
    /// run's temporary tables (`kpi.prepare_run`, sql/028: the covered periods, the window of
    /// instants, each rep's scopes, each local day's periods). The derived family runs last: it
    /// reads the others' facts.
    let families: [MetricFamily]
    /// Every spec: catalogue metrics, stage metrics and breakdowns.
    let specs: [MetricSpec]

    /// The product's catalogue.
    public static let standard = MetricCatalogue(
        families: [
            MetricFamily(name: "additive", target: .metrics, statement: "additive"),
            MetricFamily(name: "prospects", target: .metrics, statement: "prospects"),
            MetricFamily(name: "deal_history", target: .metrics, statement: "deal_history"),
            MetricFamily(name: "pipeline_snapshots", target: .metrics, statement: "pipeline_snapshots"),
            MetricFamily(name: "customers", target: .metrics, statement: "customers"),
            MetricFamily(name: "surveys", target: .metrics, statement: "surveys"),
            MetricFamily(name: "sales_team", target: .metrics, statement: "sales_team"),
            MetricFamily(name: "spend", target: .metrics, statement: "spend"),
            // Reads the revenue facts of this run, so it runs after the families that write them.
            MetricFamily(name: "quotas", target: .metrics, statement: "quotas"),
            MetricFamily(name: "stages", target: .stages, statement: "stages"),
            MetricFamily(name: "breakdowns", target: .breakdowns, statement: "breakdowns"),
            // Reads every other family's facts of this run.
            MetricFamily(name: "derived", target: .metrics, statement: "derived"),
        ],
        specs: MetricSpecs.metrics + MetricSpecs.stageMetrics + MetricSpecs.breakdowns)

    /// The specs a family writes, in declaration order.
    func specs(of family: MetricFamily) -> [MetricSpec] {
        self.specs.filter { $0.family == family.name && $0.target == family.target }
    }

    /// The metric names a family writes.
    func metrics(of family: MetricFamily) -> [String] {
        self.specs(of: family).map(\.metric)
    }

    /// The metrics materialized into `kpi.metric_fact_rows`, in family order: the order `kpi show`,
    /// the API and the leaderboard list them in. A catalogue metric not listed has no facts.
    /// Computed once: every KPI read names them.
    public let materializedMetrics: [String]

    init(families: [MetricFamily], specs: [MetricSpec]) {
        self.families = families
        self.specs = specs
        self.materializedMetrics = families.filter { $0.target == .metrics }.flatMap { family in
            specs.filter { $0.family == family.name && $0.target == family.target }.map(\.metric)
        }
    }

    /// The spec of a catalogue metric (`kpi.metric_fact_rows`) or stage metric, nil for other names.
    public func spec(_ metric: String) -> MetricSpec? {
        self.specs.first { $0.metric == metric && $0.target != .breakdowns }
    }

    /// The error for a metric name the catalogue lacks, with the nearest names it has.
    public func unknownMetric(_ name: String) -> UnknownName {
        UnknownName(kind: "metric", name: name, reason: "is not in the KPI catalogue", known: self.specs.map(\.metric), listing: .metrics)
    }

    /// The stage metrics (`kpi.stage_metrics`), in declaration order.
    public var stageSpecs: [MetricSpec] { self.specs(for: .stages) }

    /// The breakdown definitions (`kpi.breakdowns`), in declaration order.
    public var breakdownSpecs: [MetricSpec] { self.specs(for: .breakdowns) }

    /// The specs of one fact table.
    func specs(for target: MetricFamily.Target) -> [MetricSpec] {
        self.specs.filter { $0.target == target }
    }

    /// The unit a metric's values read in; breakdown-only metrics (`leads`) are counts.
    public func unit(of metric: String) -> MetricUnit {
        (self.spec(metric) ?? self.specs.first { $0.metric == metric })?.unit ?? .count
    }

    /// The dashboard overview's cards, in order.
    public var overviewCards: [String] {
        self.specs.compactMap { spec in spec.overviewCard.map { (spec.metric, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    /// This catalogue with one more family and its specs (the family runs before the derived one).
    func adding(_ family: MetricFamily, specs: [MetricSpec]) -> MetricCatalogue {
        var families = self.families
        families.insert(family, at: max(families.count - 1, 0))
        return MetricCatalogue(families: families, specs: self.specs + specs)
    }
}
