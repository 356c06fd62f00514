import PostgresClient
import SalesOps
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

    @Test("data exceptions (class 22) are bad data, as the API's 400 says", arguments: ["22012", "22003", "22P02", "22007"])
    func dataExceptions(code: String) {
        var error = PostgresError(kind: .server, message: "numeric field overflow")
        error.sqlState = SQLState(code)
        let (status, message) = ExitStatus.classify(error)
        #expect(status == 65)
        #expect(message.hasPrefix("bad data: ") && message.contains(code))
        #expect(FailureClass.of(error) == .badValue)
    }

    @Test("other server errors stay internal errors", arguments: ["42P01", "XX000", "42883"])
    func otherErrors(code: String) {
        var error = PostgresError(kind: .server, message: "relation does not exist")
        error.sqlState = SQLState(code)
        #expect(ExitStatus.classify(error).code == 70)
    }
}
