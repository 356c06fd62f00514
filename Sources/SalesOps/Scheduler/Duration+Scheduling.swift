import Dispatch

/// The conversions the scheduler needs between `Duration` (its settings), SQL intervals and
/// Dispatch deadlines.
extension Duration {
    /// Whole milliseconds (rounded down), for SQL intervals.
    var milliseconds: Int {
        let (seconds, attoseconds) = self.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration as a Dispatch interval (nanosecond resolution).
    var dispatchInterval: DispatchTimeInterval {
        .nanoseconds(Int(min(self.seconds * 1e9, Double(Int.max / 2))))
    }
}
