import Foundation
import PostgresClient

/// Explains a number: recomputes it from the raw tables record by record by its SPEC §5.2
/// definition (its `MetricSpec`), and lists the records behind its numerator and
/// denominator, paged, with each side's total over all its records. When the data has not
/// changed since the period was materialized, the totals equal the stored numerator and
/// denominator (`KPIExplainAgreementTests` holds the two implementations to that).
public struct KPIExplainer {
    let session: TenantSession
    let catalogue: MetricCatalogue

    public init(session: TenantSession, catalogue: MetricCatalogue = .standard) {
        self.session = session
        self.catalogue = catalogue
    }

    /// The metrics that can be explained at all (catalogue metrics, stage metrics, breakdowns).
    public static var explainableMetrics: [String] {
        var seen = Set<String>()
        return MetricCatalogue.standard.specs.map(\.metric).filter { seen.insert($0).inserted }
    }

    /// Explains one number.
    /// - Throws: `.invalidInput` for an unknown metric, a stage or breakdown that does not
    ///   fit it, a scope or period kind the metric has no rows for, or a bad page;
    ///   `.notFound` for a period not materialized or an unknown team, rep or stage.
    public func explain(_ request: ExplainRequest) throws -> Explanation {
        guard (1...ExplainRequest.maximumLimit).contains(request.limit) else {
            throw SalesOpsError.invalidInput("limit \(request.limit): expected 1 to \(ExplainRequest.maximumLimit)")
        }
        guard (0...ExplainRequest.maximumOffset).contains(request.offset) else {
            throw SalesOpsError.invalidInput("offset \(request.offset): expected 0 to \(ExplainRequest.maximumOffset); "
                + "pages go no deeper, a narrower period or scope lists the rest")
        }
        return try self.explain(request, pageSize: request.limit)
    }

    func explain(_ request: ExplainRequest, pageSize: Int) throws -> Explanation {
        let definition = try self.definition(for: request)
        let reader = KPIReader(session: self.session, catalogue: self.catalogue)
        let period = try reader.materializedPeriod(request.period)
        guard definition.periodKinds.contains(period.kind) else {
            throw SalesOpsError.invalidInput("metric '\(request.metric)' has no \(period.kind) rows: it is kept for "
                + definition.periodKinds.sorted().joined(separator: ", ") + " periods")
        }
        guard definition.scopes.contains(request.scope.kind.rawValue) else {
            throw SalesOpsError.invalidInput("metric '\(request.metric)' has no \(request.scope.kind.rawValue) rows: it is kept for "
                + definition.scopes.sorted().joined(separator: " and ") + " scopes")
        }
        let context = try self.context(for: request, period: period)
        let connection = self.session.connection
        var sides: [ExplainSide] = []
        var totals: [String: Decimal] = [:]
        for side in definition.sides {
            let records = side.query(context)
            let sums = try connection.query("""
                SELECT count(*) AS records, coalesce(sum(weight), 0) AS total FROM (\(records)) AS side
                """).rows[0]
            let total: Decimal = try sums.decode("total")
            totals[side.name] = total
            var page: [Row] = []
            var columns: [QueryResult.Column] = []
            if pageSize > 0 {
                let result = try connection.query("""
                    SELECT * FROM (\(records)) AS side ORDER BY \(unescaped: side.order)
                    LIMIT \(pageSize) OFFSET \(request.offset)
                    """)
                page = result.rows
                columns = page.isEmpty ? [] : result.columns
            }
            sides.append(ExplainSide(name: side.name, description: side.description, recordKind: side.recordKind,
                                     totalKind: side.totalKind, total: total, recordCount: try sums.decode("records"),
                                     columns: columns.map(\.name), columnTypes: columns.map(\.type.description), records: page.map { row in (0..<row.count).map { row.text(at: $0) } },
                                     offset: request.offset, limit: pageSize))
        }
        var inputs: [ExplainInput] = []
        var inputValues: [String: Decimal?] = [:]
        for input in definition.inputs {
            var label = request.period
            if input.previousPeriod {
                // The whole previous period, for its own explain link (Q itself may be a
                // stretch of it; its records are this explanation's `revenue_q`); nil when
                // that period has not been materialized.
                label = PeriodLabel.of(kind: period.kind, start: PeriodLabel.previousStart(kind: period.kind, start: period.start),
                                       fiscalYearStartMonth: context.fiscalYearStartMonth)
                let whole = try? self.explain(ExplainRequest(period: label, scope: request.scope, metric: input.metric), pageSize: 0)
                inputs.append(ExplainInput(metric: input.metric, period: label, scope: request.scope.label, value: whole?.value))
                continue
            }
            let value = try self.explain(ExplainRequest(period: label, scope: request.scope, metric: input.metric), pageSize: 0).value
            inputValues[input.metric] = value
            inputs.append(ExplainInput(metric: input.metric, period: label, scope: request.scope.label, value: value))
        }
        let computed = definition.compute(ExplainTotals(sides: totals, inputs: inputValues))
        return Explanation(metric: request.metric, aggregation: definition.aggregation.rawValue,
                           definition: definition.definition, period: period, stop: context.stop, scope: request.scope.label,
                           stage: request.stage, dimension: request.dimension, key: request.key, value: computed.value,
                           numerator: computed.numerator, denominator: computed.denominator,
                           materialized: try self.stored(request, definition: definition, period: period, context: context),
                           sides: sides, inputs: inputs)
    }

    /// The definition for a request: a stage metric needs a stage, a breakdown a dimension and key.
    func definition(for request: ExplainRequest) throws -> MetricSpec {
        if let dimension = request.dimension {
            guard request.key != nil else { throw SalesOpsError.invalidInput("dimension '\(dimension)' needs a key") }
            guard let definition = self.catalogue.specs(for: .breakdowns).first(where: { $0.metric == request.metric && $0.dimensions[dimension] != nil }) else {
                let dimensions = self.catalogue.specs(for: .breakdowns).filter { $0.metric == request.metric }.flatMap(\.dimensions.keys)
                guard !dimensions.isEmpty else {
                    throw SalesOpsError.invalidInput("metric '\(request.metric)' has no breakdowns; breakdowns are kept of "
                        + Set(self.catalogue.specs(for: .breakdowns).map(\.metric)).sorted().joined(separator: ", "))
                }
                throw UnknownName(kind: "dimension", name: dimension, reason: "is not a breakdown of metric '\(request.metric)'",
                                  known: dimensions, listing: .dimensions)
            }
            return definition
        }
        guard request.key == nil else { throw SalesOpsError.invalidInput("key '\(request.key ?? "")' needs a dimension") }
        if let definition = self.catalogue.specs(for: .stages).first(where: { $0.metric == request.metric }) {
            guard request.stage != nil else {
                throw SalesOpsError.invalidInput("stage metric '\(request.metric)' needs a stage (PIPELINE/STAGE)")
            }
            return definition
        }
        guard request.stage == nil else { throw SalesOpsError.invalidInput("metric '\(request.metric)' is not a stage metric") }
        if let definition = self.catalogue.specs(for: .metrics).first(where: { $0.metric == request.metric }) { return definition }
        if self.catalogue.specs(for: .breakdowns).contains(where: { $0.metric == request.metric }) {
            throw SalesOpsError.invalidInput("metric '\(request.metric)' exists only as a breakdown: give a dimension and key")
        }
        throw self.catalogue.unknownMetric(request.metric)
    }

    func context(for request: ExplainRequest, period: ShownPeriod) throws -> ExplainContext {
        let org = try self.session.connection.query(
            "SELECT timezone, fiscal_year_start_month FROM salesops.orgs WHERE id = \(self.session.orgID)").rows[0]
        var context = ExplainContext(orgID: self.session.orgID, timeZone: try org.decode("timezone"),
                                     fiscalYearStartMonth: try org.decode("fiscal_year_start_month"), start: period.start, end: period.end,
                                     stop: min(period.end, period.asOf), periodKind: period.kind, scopeReps: nil,
                                     dimension: request.dimension, key: request.key)
        let scopeID = try KPIReader(session: self.session, catalogue: self.catalogue).scopeID(of: request.scope)
        context.scopeID = scopeID
        switch request.scope {
        case .org: break
        case .rep: context.scopeReps = [scopeID]
        case .team:
            context.scopeReps = try self.session.connection.query("""
                SELECT r.id FROM salesops.reps r
                JOIN salesops.team_subtree(\(self.session.orgID), \(scopeID)::bigint) s ON r.team_id = s.team_id
                WHERE r.org_id = \(self.session.orgID)
                ORDER BY r.id
                """).rows.map { try $0.decode("id", as: Int64.self) }
        }
        if let stage = request.stage {
            context.stageID = try self.stageID(stage)
        }
        return context
    }

    /// The id of `PIPELINE/STAGE`.
    func stageID(_ label: String) throws -> Int64 {
        guard let slash = label.lastIndex(of: "/") else {
            throw SalesOpsError.invalidInput("stage '\(label)': expected PIPELINE/STAGE")
        }
        let pipeline = String(label[..<slash]), stage = String(label[label.index(after: slash)...])
        guard let row = try self.session.connection.query("""
            SELECT g.id FROM salesops.stages g JOIN salesops.pipelines p ON p.org_id = g.org_id AND p.id = g.pipeline_id
            WHERE g.org_id = \(self.session.orgID) AND p.name = \(pipeline) AND g.name = \(stage)
            """).singleRow() else {
            throw SalesOpsError.notFound("stage '\(stage)' of pipeline '\(pipeline)' does not exist")
        }
        return try row.decode("id")
    }

    /// The materialized fact for the same number (all nil when there is no row).
    func stored(_ request: ExplainRequest, definition: MetricSpec, period: ShownPeriod, context: ExplainContext) throws -> StoredNumber {
        let connection = self.session.connection
        let row: Row?
        switch definition.target {
        case .metrics:
            row = try connection.query("""
                SELECT value, numerator, denominator FROM kpi.metric_fact_rows
                WHERE org_id = \(self.session.orgID) AND period_kind = \(period.kind) AND period_start = \(period.start)
                  AND scope_kind = \(request.scope.kind.rawValue) AND scope_id = \(context.scopeID) AND metric = \(request.metric)
                """).singleRow()
        case .stages:
            row = try connection.query("""
                SELECT value, numerator, denominator FROM kpi.stage_fact_rows
                WHERE org_id = \(self.session.orgID) AND period_kind = \(period.kind) AND period_start = \(period.start) AND stage_id = \(context.stageID ?? 0)
                  AND metric = \(request.metric)
                """).singleRow()
        case .breakdowns:
            row = try connection.query("""
                SELECT value, NULL::numeric AS numerator, NULL::numeric AS denominator FROM kpi.breakdown_fact_rows
                WHERE org_id = \(self.session.orgID) AND period_kind = \(period.kind) AND period_start = \(period.start)
                  AND scope_kind = \(request.scope.kind.rawValue) AND scope_id = \(context.scopeID) AND dimension = \(request.dimension ?? "") AND key = \(request.key ?? "")
                  AND metric = \(request.metric)
                """).singleRow()
        }
        guard let row else { return StoredNumber(value: nil, numerator: nil, denominator: nil) }
        return StoredNumber(value: try row.decode("value"), numerator: try row.decode("numerator"),
                            denominator: try row.decode("denominator"))
    }
}

extension ExplainContext {
    /// Q of revenue growth: the previous period of the same kind, all of it when P is
    /// complete (e = pe), else its first (e − ps + 1) days, capped at its end.
    var comparisonPeriod: (start: LocalDate, stop: LocalDate) {
        let start = PeriodLabel.previousStart(kind: self.periodKind, start: self.start)
        if self.stop == self.end { return (start, self.start.adding(days: -1)) }
        return (start, min(start.adding(days: self.start.days(to: self.stop)), self.start.adding(days: -1)))
    }
}
