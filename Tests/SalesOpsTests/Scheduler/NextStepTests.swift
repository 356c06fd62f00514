import PostgresClient
@testable import SalesOps
import Testing

@Suite("What the scheduler does after an attempt is a pure decision")
struct NextStepTests {
    struct Failure: Error {}

    static func name(_ step: NextStep) -> String {
        switch step {
        case .succeeded: "succeeded"
        case .retry: "retry"
        case .recordFailure: "recordFailure"
        case .letGo: "letGo"
        case .giveBack: "giveBack"
        }
    }

    @Test("each outcome, attempt count and stopping state leads to one step", arguments: [
        (NightRun.Outcome.succeeded(rowsWritten: 3), 1, true, "succeeded"),
        (.succeeded(rowsWritten: nil), 9, false, "succeeded"),
        (.transientFailure(Failure()), 1, true, "retry"),
        (.transientFailure(Failure()), 3, true, "retry"),
        (.transientFailure(Failure()), 4, true, "recordFailure"),
        (.transientFailure(Failure()), 1, false, "giveBack"),
        (.failed(Failure()), 1, true, "recordFailure"),
        (.failed(Failure()), 1, false, "recordFailure"),
        (.leaseLost, 1, true, "letGo"),
        (.abandoned, 1, true, "giveBack"),
    ] as [(NightRun.Outcome, Int, Bool, String)])
    func decide(outcome: NightRun.Outcome, attempts: Int, takingWork: Bool, expected: String) {
        let step = NextStep.after(outcome, attempts: attempts, retryLimit: 3, takingWork: takingWork)
        #expect(Self.name(step) == expected)
    }

    @Test("a success carries its row count through")
    func rowsCarried() {
        guard case let .succeeded(rows) = NextStep.after(.succeeded(rowsWritten: 42), attempts: 1, retryLimit: 0, takingWork: true) else {
            Issue.record("not a success")
            return
        }
        #expect(rows == 42)
    }
}
