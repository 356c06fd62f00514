import Foundation
import PostgresClient
import SalesOps
import Testing
import TestSupport

@Suite("The database's text rules and TextLimits name the same limits, on every free-text column")
struct TextLimitsTests {
    @Test("every text_rule constraint's limit is TextLimits' limit for its column")
    func limitsAgree() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
            FROM pg_constraint c WHERE c.conname LIKE 'text\\_rule\\_%'
            """).rows
        #expect(rows.count >= 20)
        for row in rows {
            let name: String = try row.decode("conname")
            let definition: String = try row.decode("definition")
            let column = String(name.dropFirst("text_rule_".count))
            #expect(definition.contains("<= \(TextLimits.maximumLength(ofColumn: column))"), "\(name): \(definition)")
        }
    }

    @Test("every external id, name, e-mail, region, source, product and channel column of a tenant table has a text rule")
    func everyColumnHasARule() throws {
        let connection = try SharedDatabase.connect()
        let missing: [String] = try connection.query("""
            SELECT format('%s.%s', a.attrelid::regclass, a.attname) AS col
            FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'salesops' AND t.relkind = 'r' AND NOT a.attisdropped AND a.atttypid = 'text'::regtype
              AND a.attname IN ('external_id', 'name', 'email', 'region', 'source', 'product', 'channel')
              AND t.relname <> 'metrics' AND t.relname <> 'orgs'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = t.oid AND c.conname = 'text_rule_' || a.attname)
            """).rows.map { try $0.decode("col") }
        #expect(missing.isEmpty, "columns without a text rule: \(missing)")
    }
}
