import Foundation
import TestSupport

/// `salesctl serve` on a cluster database and a client reading one path over and over until
/// stopped: what the API answered while an operator command ran.
final class APIDuringMove {
    private let server: BackgroundProcess
    private let client: BackgroundProcess
    private let stopFile: URL

    /// Starts the server as `product`'s login and, once it is healthy, the reads with `token`.
    init(product: TestDatabase, token: String, path: String) throws {
        let port = try LoopbackPort.free()
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = product.url
        self.server = try BackgroundProcess(SalesCTLProcess.binary, ["serve", "--port", String(port), "--metrics-port", "0"],
                                            environment: environment)
        var healthy = false
        for _ in 0..<200 where !healthy {
            healthy = (try? Shell.execute("/usr/bin/env", ["curl", "-sf", "--max-time", "2", "http://127.0.0.1:\(port)/healthz"]))?.status == 0
            if !healthy { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard healthy else { throw APIDuringMoveError(serverOutput: self.server.standardError) }
        self.stopFile = FileManager.default.temporaryDirectory.appendingPathComponent("api-during-move-\(UUID().uuidString)")
        // One status code per line; a read that gets no answer at all prints 000.
        self.client = try BackgroundProcess("/bin/bash", ["-c", """
            while [ ! -e "$0" ]; do
              curl -s -o /dev/null --max-time 30 -w '%{http_code}\\n' -H "Authorization: Bearer $1" "$2"
            done
            """, self.stopFile.path, token, "http://127.0.0.1:\(port)\(path)"], environment: environment)
    }

    /// Stops the reads and the server; returns the status codes of the reads, in order.
    func stop() throws -> [String] {
        _ = FileManager.default.createFile(atPath: self.stopFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: self.stopFile) }
        let reads = self.client.wait(timeout: .seconds(60))
        self.server.send(SIGTERM)
        _ = self.server.wait(timeout: .seconds(30))
        return (reads?.stdout ?? "").split(separator: "\n").map(String.init)
    }
}

/// The server did not come up.
struct APIDuringMoveError: Error, CustomStringConvertible {
    var serverOutput: String
    var description: String { "salesctl serve did not become healthy: \(self.serverOutput)" }
}
