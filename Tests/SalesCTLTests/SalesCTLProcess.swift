import Foundation
import TestSupport

/// Runs the built `salesctl` binary, as an operator would.
enum SalesCTLProcess {
    /// The binary next to the test bundle (both are products of the same build).
    static let binary: String = {
        let testExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: testExecutable).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("salesctl").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        fatalError("salesctl binary not found next to \(testExecutable); run swift build first")
    }()

    /// Runs `salesctl` with `arguments` against `database` (when given) and returns the outcome.
    static func run(_ arguments: [String], database: TestDatabase? = nil, input: String? = nil) throws -> Shell.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database?.url
        environment["SALESOPS_SQL_DIR"] = TestCluster.repositoryRoot.appendingPathComponent("sql").path
        return try Shell.execute(binary, arguments, environment: environment, input: input.map { Data($0.utf8) })
    }
}
