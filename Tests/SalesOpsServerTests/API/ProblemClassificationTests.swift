import Logging
import PostgresClient
import SalesOps
@testable import SalesOpsServer
import Testing

@Suite("The API answers a database error by the class the CLI exits by")
struct ProblemClassificationTests {
    @Test("SQLSTATE → status, as FailureClass decides it", arguments: [
        ("22012", 400), ("22003", 400), ("22P02", 400),
        ("23505", 422), ("23503", 422),
        ("40001", 503), ("40P01", 503), ("57014", 503), ("55P03", 503),
        ("08006", 503), ("57P01", 503),
        ("42P01", 500), ("XX000", 500),
    ])
    func statuses(code: String, status: Int) {
        var error = PostgresError(kind: .server, message: "server-side text that must not reach the client")
        error.sqlState = SQLState(code)
        let problem = Problem.from(error, logger: Logger(label: "test"))
        #expect(Int(problem.status.code) == status, "\(code): \(FailureClass.of(error))")
        #expect(problem.detail?.contains("server-side text") != true)
    }
}
