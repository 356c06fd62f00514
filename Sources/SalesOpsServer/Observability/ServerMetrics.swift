import CoreMetrics
import Foundation
import Metrics
import PostgresClient
import Prometheus
import SalesOps

/// The Prometheus registry behind swift-metrics for the whole process (swift-metrics is
/// bootstrapped once per process), and the server's own gauges.
public enum ServerMetrics {
    /// The registry `/metrics` renders.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in (Self.metricName(name), labels.map { (Self.labelName($0.0), $0.1) }) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Hummingbird's metric names as Prometheus names of the product.
    static func metricName(_ label: String) -> String {
        switch label {
        case "hb.requests": "salesops_http_requests_total"
        case "hb.request.errors": "salesops_http_request_errors_total"
        case "http.server.request.duration": "salesops_http_request_duration_seconds"
        case "http.server.active_requests": "salesops_http_active_requests"
        default: String(label.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        }
    }

    static func labelName(_ label: String) -> String {
        switch label {
        case "http.route": "route"
        case "http.request.method": "method"
        case "http.response.status_code", "error.type": "status"
        default: String(label.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        }
    }

    static var nightAge: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "salesops", metricName: "org_last_succeeded_night_age",
                                               unitName: "seconds",
                                               helpText: "Seconds since the org's last succeeded nightly run finished")
    }

    /// Sets, per org, the seconds since its last succeeded night finished (as the scheduler
    /// role, which sees every org's run records).
    static func recordNightAges(on connection: Connection) throws {
        for (slug, age) in try SchedulerStatusReader(connection: connection).lastSucceededNightAges() {
            Self.registry.makeGauge(descriptor: Self.nightAge, labels: [("org", slug)]).set(age)
        }
    }
}

/// The executor's load as Prometheus gauges.
struct PrometheusPoolGauges: PoolGauges {
    let busyGauge = ServerMetrics.registry.makeGauge(descriptor: MetricNameDescriptor(
        namespace: "salesops", subsystem: "db_pool", metricName: "in", unitName: "use",
        helpText: "Database threads running a request's work"))
    let waitingGauge = ServerMetrics.registry.makeGauge(descriptor: MetricNameDescriptor(
        namespace: "salesops", subsystem: "db_pool", metricName: "waiting", unitName: "",
        helpText: "Requests waiting for a database thread"))

    func busy(_ count: Int) { self.busyGauge.set(Double(count)) }
    func waiting(_ count: Int) { self.waitingGauge.set(Double(count)) }
}
