/// What the scheduler does with a night after one attempt: a pure decision from the
/// attempt's outcome, how many attempts this process made, the retry limit and whether the
/// scheduler still takes work. `NightScheduler` carries it out (logging, timers, recording).
enum NextStep: Sendable {
    /// The night succeeded; count it and let it go.
    case succeeded(rowsWritten: Int?)
    /// Try the night again after the retry delay.
    case retry(after: any Error)
    /// Record the failure (the night becomes claimable again after its failure delay).
    case recordFailure(any Error)
    /// Another process holds the night; let it go without writing anything.
    case letGo
    /// The scheduler is stopping (or stopped the attempt): give the night back at once.
    case giveBack

    /// - Parameters:
    ///   - attempts: attempts this process made at the night, the one just ended included.
    ///   - retryLimit: transient failures retried at most this many times.
    ///   - takingWork: false once the scheduler is stopping.
    static func after(_ outcome: NightRun.Outcome, attempts: Int, retryLimit: Int, takingWork: Bool) -> NextStep {
        switch outcome {
        case let .succeeded(rowsWritten):
            return .succeeded(rowsWritten: rowsWritten)
        case .transientFailure where !takingWork:
            return .giveBack
        case let .transientFailure(error) where attempts <= retryLimit:
            return .retry(after: error)
        case let .transientFailure(error), let .failed(error):
            return .recordFailure(error)
        case .leaseLost:
            return .letGo
        case .abandoned:
            return .giveBack
        }
    }
}
