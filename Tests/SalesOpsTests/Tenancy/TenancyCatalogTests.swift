import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

@Suite("The catalog shows the tenancy rules hold everywhere")
struct TenancyCatalogTests {
    @Test("row-level security is enabled and forced on every tenant table")
    func rlsEnabledAndForced() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'salesops_meta') AND n.nspname NOT LIKE 'pg\\_%'
              AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id')
            """).rows
        #expect(rows.count >= 12)
        for row in rows {
            let table: String = try row.decode("relname")
            #expect(try row.decode("relrowsecurity", as: Bool.self), "RLS not enabled on \(table)")
            #expect(try row.decode("relforcerowsecurity", as: Bool.self), "RLS not forced on \(table)")
            #expect(try row.decode("policies", as: Int.self) > 0, "no policy on \(table)")
        }
    }

    @Test("every tenant policy reads the org through the session's org functions, never from the setting directly")
    func policiesUseTheOrgFunctions() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT tablename, policyname, cmd, array_to_string(roles, ',') AS roles,
                   coalesce(qual, '') || ' ' || coalesce(with_check, '') AS expression
            FROM pg_policies WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'salesops_meta')
            """).rows
        #expect(rows.count >= 16)
        for row in rows {
            let expression: String = try row.decode("expression")
            let policy: String = try row.decode("policyname")
            let table: String = try row.decode("tablename")
            #expect(!expression.contains("current_setting"), "policy \(policy) on \(table) reads the setting itself: \(expression)")
            #expect(expression.contains("current_org_id()") || expression.contains("session_org_id()")
                        || expression.contains("is_service_session()"),
                    "policy \(policy) on \(table) does not go through the org functions: \(expression)")
            switch policy {
            case "tenant_isolation":
                #expect(expression == "(org_id = salesops.session_org_id()) (org_id = salesops.session_org_id())", "\(table): \(expression)")
            case "tenant_reader":
                #expect(expression == "(org_id = salesops.current_org_id()) ", "\(table): \(expression)")
                #expect(try row.decode("cmd", as: String.self) == "SELECT", "\(table): a reader policy beyond SELECT")
                #expect(try row.decode("roles", as: String.self) == "salesops_reader", "\(table): reader policy for other roles")
            default:
                break
            }
        }
    }

    @Test("every tenant table has the two tenant policies, and no policy holds a sub-select (a distributed table's cannot)")
    func policiesAreDistributable() throws {
        let connection = try SharedDatabase.connect()
        let tables = try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name,
                   (SELECT string_agg(p.polname, ',' ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('salesops', 'kpi') AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)
            """).rows
        #expect(tables.count >= 16)
        for row in tables {
            let name: String = try row.decode("name")
            let policies = (try row.decode("policies", as: String?.self) ?? "").split(separator: ",")
            #expect(policies.contains("tenant_isolation") && policies.contains("tenant_reader"), "\(name) has policies \(policies)")
        }
        let withSubSelects = try connection.query("""
            SELECT format('%s on %s', p.polname, p.polrelid::regclass) AS name
            FROM pg_policy p
            WHERE coalesce(p.polqual::text, '') LIKE '%{SUBLINK%' OR coalesce(p.polwithcheck::text, '') LIKE '%{SUBLINK%'
            """).rows.map { try $0.decode("name", as: String.self) }
        #expect(withSubSelects.isEmpty, "policies with sub-selects: \(withSubSelects)")
    }

    @Test("the product session's org check is inlined into a plain expression, not a function call per row")
    func sessionOrgIsInlined() throws {
        let connection = try SharedDatabase.connect()
        try connection.withTransaction { connection in
            try connection.execute("SET LOCAL ROLE salesops_app")
            let plan = try connection.query("EXPLAIN (VERBOSE) SELECT count(*) FROM salesops.activities").rows
                .map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
            #expect(plan.contains("pg_has_role(SESSION_USER"), "\(plan)")
            #expect(!plan.contains("session_org_id"), "the policy's function was not inlined:\n\(plan)")
        }
    }

    @Test("the scheduler role reaches the org registry and the run records, and no other tenant table")
    func schedulerRoleSeesNoTenantData() throws {
        let connection = try SharedDatabase.connect()
        let reachable = try connection.query("""
            SELECT format('%I.%I', n.nspname, c.relname) AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND c.relkind IN ('r', 'p', 'v', 'm')
              AND (has_table_privilege('salesops_scheduler', c.oid, 'SELECT')
                   OR has_table_privilege('salesops_scheduler', c.oid, 'INSERT')
                   OR has_table_privilege('salesops_scheduler', c.oid, 'UPDATE')
                   OR has_table_privilege('salesops_scheduler', c.oid, 'DELETE'))
            ORDER BY 1
            """).rows.map { try $0.decode("name", as: String.self) }
        #expect(reachable == ["salesops.orgs", "salesops.scheduler_leases", "salesops.scheduler_runs", "salesops_meta.org_locks"])
        let row = try connection.query("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'salesops_scheduler'").rows[0]
        #expect(try row.decode("rolbypassrls", as: Bool.self) == false)
        #expect(try row.decode("rolsuper", as: Bool.self) == false)
    }

    @Test("a KPI run's working tables (kpi_run) are reachable by the application role alone, and each has forced row-level security")
    func runTablesOutOfTenantsReach() throws {
        let connection = try SharedDatabase.connect()
        let roles = try connection.query("""
            SELECT r.rolname FROM pg_roles r
            WHERE r.rolname IN ('salesops_reader', 'salesops_scheduler', 'salesops_app', 'public')
               OR r.rolname IN (SELECT role_name FROM salesops_meta.tenant_roles)
            """).rows.map { try $0.decode("rolname", as: String.self) }
        let withUsage = try roles.filter { role in
            try connection.query("SELECT has_schema_privilege(\(role), 'kpi_run', 'USAGE') AS usage").rows[0].decode("usage", as: Bool.self)
        }
        #expect(withUsage == ["salesops_app"])
        let unguarded = try connection.query("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'kpi_run' AND c.relkind = 'r'
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid))
            """).rows.map { try $0.decode("relname", as: String.self) }
        #expect(unguarded.isEmpty, "\(unguarded)")
        let tables: Int = try connection.query("""
            SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'kpi_run' AND c.relkind = 'r'
            """).rows[0].decode("n")
        #expect(tables == 12)
    }

    @Test("the application role cannot bypass row-level security")
    func applicationRoleHasNoBypass() throws {
        let connection = try SharedDatabase.connect()
        let row = try connection.query("SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'salesops_app'").rows[0]
        #expect(try row.decode("rolbypassrls", as: Bool.self) == false)
        #expect(try row.decode("rolsuper", as: Bool.self) == false)
    }

    @Test("every primary key and unique index of a tenant table leads with org_id")
    func keysLeadWithOrgID() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT c.relname AS table_name, i.relname AS index_name, a.attname AS first_column
            FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'salesops_meta') AND n.nspname NOT LIKE 'pg\\_%'
              AND (x.indisunique OR x.indisprimary)
              AND EXISTS (SELECT 1 FROM pg_attribute o WHERE o.attrelid = c.oid AND o.attname = 'org_id')
            """).rows
        #expect(rows.count >= 20)
        for row in rows {
            let index: String = try row.decode("index_name")
            let table: String = try row.decode("table_name")
            #expect(try row.decode("first_column", as: String?.self) == "org_id", "\(index) on \(table) does not lead with org_id")
        }
    }

    @Test("every foreign key between tenant tables includes org_id on both sides")
    func foreignKeysIncludeOrgID() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT con.conname,
                   EXISTS (SELECT 1 FROM unnest(con.conkey) k JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k
                           WHERE a.attname = 'org_id') AS local_has_org,
                   EXISTS (SELECT 1 FROM unnest(con.confkey) k JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k
                           WHERE a.attname = 'org_id') AS foreign_has_org,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = 'org_id') AS foreign_is_tenant
            FROM pg_constraint con
            JOIN pg_namespace n ON n.oid = con.connamespace
            WHERE con.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'salesops_meta') AND n.nspname NOT LIKE 'pg\\_%'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = 'org_id')
            """).rows
        #expect(rows.count >= 20)
        for row in rows where try row.decode("foreign_is_tenant", as: Bool.self) {
            let name: String = try row.decode("conname")
            #expect(try row.decode("local_has_org", as: Bool.self), "\(name) does not include org_id")
            #expect(try row.decode("foreign_has_org", as: Bool.self), "\(name) does not reference org_id")
        }
    }

    @Test("no view over tenant data lacks security_invoker")
    func viewsAreSecurityInvoker() throws {
        let connection = try SharedDatabase.connect()
        let rows = try connection.query("""
            SELECT n.nspname || '.' || c.relname AS view_name,
                   coalesce(c.reloptions::text[] @> ARRAY['security_invoker=true'] OR c.reloptions::text[] @> ARRAY['security_invoker=on'], false) AS invoker
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND EXISTS (
                  SELECT 1 FROM pg_depend d
                  JOIN pg_rewrite r ON r.oid = d.objid
                  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attname = 'org_id'
                  WHERE r.ev_class = c.oid AND d.refobjid <> c.oid)
            """).rows
        for row in rows {
            let view: String = try row.decode("view_name")
            #expect(try row.decode("invoker", as: Bool.self), "\(view) is not security_invoker")
        }
    }
}
