import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("KPI engine: facts name declared catalogue metrics only")
struct MetricCatalogueCheckTests {
    @Test("a run whose facts name a metric missing from the catalogue is refused, naming it")
    func unknownMetricRefused() throws {
        let connection = try SharedDatabase.connect()
        try connection.withTransaction { connection in
            try connection.execute("CREATE TEMPORARY TABLE kpi_new_facts (org_id bigint, metric text) ON COMMIT DROP")
            try connection.execute("INSERT INTO kpi_new_facts VALUES (1, 'revenue'), (1, 'win_rate'), (2, 'zz_other_org')")
            try KPIMaterializer(connection: connection).checkMetricNames(orgID: 1, on: connection)
            try connection.execute("INSERT INTO kpi_new_facts VALUES (1, 'revenu'), (1, 'zz_unknown')")
            #expect {
                try KPIMaterializer(connection: connection).checkMetricNames(orgID: 1, on: connection)
            } throws: { error in
                guard case let KPIEngineError.unknownMetrics(names) = error else { return false }
                return names == ["revenu", "zz_unknown"]
            }
        }
    }

    @Test("a catalogue metric that no metric family declares (a stage metric in the metric facts) is refused too")
    func undeclaredMetricRefused() throws {
        let connection = try SharedDatabase.connect()
        try connection.withTransaction { connection in
            try connection.execute("CREATE TEMPORARY TABLE kpi_new_facts (org_id bigint, metric text) ON COMMIT DROP")
            try connection.execute("INSERT INTO kpi_new_facts VALUES (1, 'revenue'), (1, 'stage_entries')")
            #expect {
                try KPIMaterializer(connection: connection).checkMetricNames(orgID: 1, on: connection)
            } throws: { error in
                guard case let KPIEngineError.unknownMetrics(names) = error else { return false }
                return names == ["stage_entries"]
            }
        }
    }
}
