import Foundation
import PostgresClient
import SalesOps

/// The body of `GET /v1/kpis` written by hand (`JSONWriter`): the text `JSONBody.encoder`
/// would write for the page — keys sorted, nil fields left out — at a fraction of its cost.
enum KPIPageJSON {
    static func write(scope: String, period: ShownPeriod, metrics: [MetricReadingText]) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + metrics.count * 160)
        writer.beginObject()
        writer.key("metrics")
        writer.beginArray()
        for reading in metrics {
            writer.beginObject()
            writer.field("attainment_pct", reading.attainmentPct)
            writer.field("denominator", reading.denominator)
            writer.field("expected_to_date", reading.expectedToDate)
            writer.field("metric", reading.metric)
            writer.field("numerator", reading.numerator)
            writer.field("pace_pct", reading.pacePct)
            writer.field("target", reading.target)
            writer.field("value", reading.value)
            writer.endObject()
        }
        writer.endArray()
        writer.key("period")
        self.write(period, into: &writer)
        writer.field("scope", scope)
        writer.endObject()
        return writer.bytes
    }

    /// A period as `ShownPeriod`'s coding keys write it.
    static func write(_ period: ShownPeriod, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("as_of", period.asOf.description)
        writer.field("end", period.end.description)
        writer.field("kind", period.kind)
        writer.field("label", period.label)
        writer.field("start", period.start.description)
        writer.endObject()
    }
}
