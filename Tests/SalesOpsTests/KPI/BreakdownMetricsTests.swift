import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("Breakdowns by dimension and the lead lifecycle snapshot")
struct BreakdownMetricsTests {
    @Test("breakdowns by dimension with (none) for null keys, and the lead lifecycle snapshot")
    func breakdowns() throws {
        let kpi = try KPIFixture(timezone: "UTC")
        try kpi.load(.accounts, "external_id,name,region\na-1,One,DACH\na-2,Two,\n")
        try kpi.load(.deals, """
            external_id,owner_rep_external_id,stage,amount,created_at,closed_at,account_external_id,pipeline,product,type
            d-1,r-dach,Won,100,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,a-1,P,Core,upsell
            d-2,r-dach,Won,50,2026-11-01T00:00:00Z,2026-11-03T00:00:00Z,a-2,P,,new
            """)
        try kpi.load(.leads, """
            external_id,owner_rep_external_id,source,created_at,mql_at,sql_at,converted_at,disqualified_at
            l-1,r-dach,web,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,2026-11-20T00:00:00Z,,
            l-2,r-dach,,2026-11-01T00:00:00Z,,,,2026-11-03T00:00:00Z
            """)
        try kpi.materialize("2026-11-05", "2026-11-05")
        let rows = try kpi.connection.withOrg(kpi.org.id) { connection in
            try connection.query("""
                SELECT dimension || '/' || key || '/' || metric || '=' || trim_scale(value)::text AS row FROM kpi.breakdowns
                WHERE period_kind = 'month' AND scope_kind = 'team' AND scope_external_id = 'dach' ORDER BY 1
                """).rows.map { try $0.decode("row", as: String.self) }
        }
        #expect(rows == [
            "deal_type/new/deals_won=1", "deal_type/new/revenue=50", "deal_type/upsell/deals_won=1", "deal_type/upsell/revenue=100",
            "lead_source/(none)/new_leads=1", "lead_source/web/new_leads=1",
            "lifecycle_stage/disqualified/leads=1", "lifecycle_stage/mql/leads=1",
            "product/(none)/deals_won=1", "product/(none)/revenue=50", "product/Core/deals_won=1", "product/Core/revenue=100",
            "region/(none)/deals_won=1", "region/(none)/revenue=50", "region/DACH/deals_won=1", "region/DACH/revenue=100",
            "source/(none)/deals_won=2", "source/(none)/revenue=150",
        ])
    }
}
