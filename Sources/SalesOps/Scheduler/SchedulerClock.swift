import Dispatch
import Foundation

/// The wall clock the scheduler reads to decide which nights are due.
///
/// Only "what time is it" and "when does a wall-clock instant arrive" go through it; leases,
/// heartbeats and backoff run on the database's clock and the monotonic clock. Tests and
/// replays use `AcceleratedClock` to move through nights without sleeping through them.
public protocol SchedulerClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// The `DispatchWallTime` at which this clock reads `instant`.
    func wallDeadline(for instant: Date) -> DispatchWallTime
    /// Real seconds until this clock reads `instant` (negative when it has passed).
    func realSeconds(until instant: Date) -> TimeInterval
}

/// The system's real-time clock.
public struct SystemClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func wallDeadline(for instant: Date) -> DispatchWallTime {
        DispatchWallTime(timespec: timespec(instant))
    }

    public func realSeconds(until instant: Date) -> TimeInterval {
        instant.timeIntervalSinceNow
    }
}

/// A clock that starts at a chosen instant and runs `speed` times as fast as real time.
///
/// With `speed` 1 it is the real clock shifted; with 3600 an hour passes every second.
public struct AcceleratedClock: SchedulerClock {
    /// The instant the clock read when it was made.
    public let start: Date
    /// Clock seconds per real second.
    public let speed: Double
    private let realStart: Date

    /// - Parameters:
    ///   - start: what the clock reads now.
    ///   - speed: clock seconds per real second (> 0).
    public init(start: Date, speed: Double = 1) {
        precondition(speed > 0, "a clock runs forward")
        self.start = start
        self.speed = speed
        self.realStart = Date()
    }

    public func now() -> Date {
        self.start.addingTimeInterval(Date().timeIntervalSince(self.realStart) * self.speed)
    }

    public func wallDeadline(for instant: Date) -> DispatchWallTime {
        DispatchWallTime(timespec: timespec(self.realInstant(of: instant)))
    }

    public func realSeconds(until instant: Date) -> TimeInterval {
        self.realInstant(of: instant).timeIntervalSinceNow
    }

    private func realInstant(of instant: Date) -> Date {
        self.realStart.addingTimeInterval(instant.timeIntervalSince(self.start) / self.speed)
    }
}

private func timespec(_ date: Date) -> timespec {
    let seconds = date.timeIntervalSince1970.rounded(.down)
    return Foundation.timespec(tv_sec: Int(seconds), tv_nsec: Int((date.timeIntervalSince1970 - seconds) * 1_000_000_000))
}
