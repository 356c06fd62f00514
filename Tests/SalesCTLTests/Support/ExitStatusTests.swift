import PostgresClient
@testable import SalesCTLCommands
import Testing

@Suite("Errors that may pass when retried exit 75")
struct ExitStatusTests {
    @Test("lock timeouts, statement timeouts, serialization failures and deadlocks are temporary failures", arguments: [
        "55P03", "57014", "40001", "40P01",
    ])
    func temporaryFailures(code: String) {
        var error = PostgresError(kind: .server, message: "canceling statement due to lock timeout")
        error.sqlState = SQLState(code)
        let (status, message) = ExitStatus.classify(error)
        #expect(status == 75)
        #expect(message.contains("retrying may succeed") && message.contains(code))
    }

    @Test("other server errors stay internal errors")
    func otherErrors() {
        var error = PostgresError(kind: .server, message: "division by zero")
        error.sqlState = SQLState("22012")
        #expect(ExitStatus.classify(error).code == 70)
    }
}
