import Foundation
import PostgresClient
import Testing
import TestSupport

@Suite("salesctl serve: SIGTERM stops accepting, lets in-flight requests finish, closes the pool, exits 0")
struct ServeLifecycleTests {

    static func curl(_ arguments: [String]) throws -> Shell.Outcome {
        try Shell.execute("/usr/bin/env", ["curl", "-sS", "--max-time", "30"] + arguments)
    }

    @Test("a slow upload in flight when SIGTERM arrives completes with 200; then the process exits 0 and its connections are gone")
    func gracefulShutdown() throws {
        let database = try TestDatabase.migrated()
        #expect(try SalesCTLProcess.run(["org", "create", "acme", "--name", "Acme"], database: database).status == 0)
        let token = try SalesCTLProcess.run(["token", "create", "--org", "acme", "--role", "admin", "--name", "t"], database: database)
            .stdout.trimmingCharacters(in: .newlines)
        let port = try LoopbackPort.free()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.url
        let server = try BackgroundProcess(SalesCTLProcess.binary, ["serve", "--port", String(port), "--metrics-port", "0", "--grace-seconds", "20"],
                                           environment: environment)
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = (try? Self.curl(["-f", "http://127.0.0.1:\(port)/healthz"]))?.status == 0
            if !healthy { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(healthy, "the server did not come up: \(server.standardError)")
        let csvFile = FileManager.default.temporaryDirectory.appendingPathComponent("teams-\(port).csv")
        try Data(("external_id,name\n" + (0..<3000).map { "t-\($0),Team number \($0)\n" }.joined()).utf8).write(to: csvFile)
        defer { try? FileManager.default.removeItem(at: csvFile) }
        // About 60 KB at 20 KB/s: the upload is still streaming when SIGTERM arrives.
        let upload = try BackgroundProcess("/usr/bin/env", [
            "curl", "-sS", "--max-time", "60", "--limit-rate", "20K", "-w", "\n%{http_code}",
            "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: text/csv",
            "--data-binary", "@\(csvFile.path)", "http://127.0.0.1:\(port)/v1/imports/teams",
        ], environment: environment)
        Thread.sleep(forTimeInterval: 1.0)
        #expect(upload.poll() == nil, "the upload finished before SIGTERM; the test proves nothing")
        server.send(SIGTERM)
        let uploaded = try #require(upload.wait(timeout: .seconds(60)))
        #expect(uploaded.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("200"), "upload: \(uploaded.stderr)")
        #expect(uploaded.stdout.contains("\"inserted\":3000"))
        let exited = try #require(server.wait(timeout: .seconds(30)))
        #expect(exited.status == 0, "serve: \(exited.stderr)")
        #expect(try Self.curl(["http://127.0.0.1:\(port)/healthz"]).status != 0)
        let connection = try database.connect()
        defer { connection.close() }
        let open: Int = try connection.query("""
            SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'salesctl serve'
            """).rows[0].decode("n")
        #expect(open == 0)
        let imported: Int = try connection.query("SELECT count(*) AS n FROM salesops.teams").rows[0].decode("n")
        #expect(imported == 3000)
    }
}
