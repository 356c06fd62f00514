import Foundation
@testable import PostgresClient
import Testing
import TestSupport

@Suite("A script splits at its top-level semicolons only")
struct SQLScriptTests {
    @Test("semicolons in strings, identifiers, dollar quotes and comments do not end a statement")
    func quotedSemicolons() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE "odd;name" (note text DEFAULT 'a;b''c');
            /* block; /* nested; */ still; */ SELECT E'it\\'s; fine', $$body; $x$ $$;
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$;
            SELECT $1, a$b FROM t;;
            -- only a comment at the end;
            """
        #expect(SQLScript.statements(in: script) == [
            "-- a comment; with a semicolon\nCREATE TABLE \"odd;name\" (note text DEFAULT 'a;b''c')",
            "/* block; /* nested; */ still; */ SELECT E'it\\'s; fine', $$body; $x$ $$",
            "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END $fn$",
            "SELECT $1, a$b FROM t",
        ])
    }

    @Test("an unterminated string or comment keeps the rest as one statement")
    func unterminated() {
        #expect(SQLScript.statements(in: "SELECT 1; SELECT 'open; more") == ["SELECT 1", "SELECT 'open; more"])
        #expect(SQLScript.statements(in: "SELECT 1; /* open; more") == ["SELECT 1"])
    }

    @Test("every migration file, split, is one statement per extended-protocol message and builds the schema")
    func migrationFilesSplit() throws {
        let connection = try TestDatabase.empty().connect()
        try connection.executeScript("CREATE SCHEMA salesops_meta")
        var statements = 0
        for file in TestCluster.migrationFiles {
            for statement in SQLScript.statements(in: file.sql) {
                // The extended protocol refuses a message holding two statements.
                try connection.execute(Query(unescaped: statement))
                statements += 1
            }
        }
        #expect(statements > TestCluster.migrationFiles.count * 2)
        let views: Int = try connection.query("SELECT count(*)::int AS n FROM pg_views WHERE schemaname = 'kpi'").rows[0].decode("n")
        #expect(views >= 4)
    }
}
