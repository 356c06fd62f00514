/// Whose database work a request is, for fairness between tenants.
public enum WorkOwner: Hashable, Sendable, CustomStringConvertible {
    /// An org's requests: known from a credential already checked once.
    case org(Int64)
    /// Requests whose credential has not been checked yet (a first request, or a bad token).
    case unidentified
    /// The server's own work (readiness, the operator's metrics).
    case service

    public var description: String {
        switch self {
        case .org(let id): return "org \(id)"
        case .unidentified: return "unidentified"
        case .service: return "service"
        }
    }
}

/// Waiting work grouped by owner, taken round-robin: the next job goes to the owner after
/// the one served last that has work waiting and fewer running jobs than its share. Not
/// thread-safe: `DatabaseExecutor` keeps it under its lock.
struct FairQueue<Job> {
    private var waiting: [WorkOwner: [(id: UInt64, job: Job)]] = [:]
    /// Owners with waiting work, in the order they are served next.
    private var rotation: [WorkOwner] = []
    private(set) var running: [WorkOwner: Int] = [:]
    private(set) var count = 0

    /// Jobs of one owner waiting now.
    func waitingCount(of owner: WorkOwner) -> Int { self.waiting[owner]?.count ?? 0 }

    mutating func append(_ job: Job, id: UInt64, owner: WorkOwner) {
        if self.waiting[owner, default: []].isEmpty { self.rotation.append(owner) }
        self.waiting[owner, default: []].append((id, job))
        self.count += 1
    }

    /// Takes the next job whose owner runs fewer than `share` jobs, and counts it as running.
    mutating func next(share: (WorkOwner) -> Int) -> (owner: WorkOwner, job: Job)? {
        guard let index = self.rotation.firstIndex(where: { self.running[$0, default: 0] < share($0) }) else { return nil }
        let owner = self.rotation.remove(at: index)
        let job = self.waiting[owner]!.removeFirst().job
        if self.waiting[owner]!.isEmpty {
            self.waiting[owner] = nil
        } else {
            self.rotation.append(owner)
        }
        self.count -= 1
        self.running[owner, default: 0] += 1
        return (owner, job)
    }

    /// Counts a running job of `owner` as finished.
    mutating func finished(_ owner: WorkOwner) {
        let left = self.running[owner, default: 1] - 1
        self.running[owner] = left > 0 ? left : nil
    }

    /// Removes a waiting job; nil when it is no longer waiting.
    mutating func remove(id: UInt64, owner: WorkOwner) -> Job? {
        guard let index = self.waiting[owner]?.firstIndex(where: { $0.id == id }) else { return nil }
        let job = self.waiting[owner]!.remove(at: index).job
        if self.waiting[owner]!.isEmpty {
            self.waiting[owner] = nil
            self.rotation.removeAll { $0 == owner }
        }
        self.count -= 1
        return job
    }

    /// Removes every waiting job.
    mutating func removeAll() -> [Job] {
        defer {
            self.waiting = [:]
            self.rotation = []
            self.count = 0
        }
        return self.rotation.flatMap { self.waiting[$0]!.map(\.job) }
    }
}

/// Token buckets, one per owner: `rate` requests a second on average, bursts up to `burst`.
struct RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    /// Buckets kept at most; full buckets are forgotten first (they hold no information).
    let capacity: Int
    private var buckets: [WorkOwner: Bucket] = [:]

    init(rate: Double, burst: Double, capacity: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.capacity = capacity
    }

    /// Takes one token of `owner`'s bucket; when it is empty, the seconds until one is back.
    mutating func take(_ owner: WorkOwner, now: ContinuousClock.Instant) -> Int? {
        var bucket = self.buckets[owner] ?? Bucket(tokens: self.burst, updated: now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated).timeInterval * self.rate)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            self.buckets[owner] = bucket
            return max(1, Int(((1 - bucket.tokens) / self.rate).rounded(.up)))
        }
        bucket.tokens -= 1
        if self.buckets[owner] == nil && self.buckets.count >= self.capacity { self.forgetFullBuckets(now: now) }
        self.buckets[owner] = bucket
        return nil
    }

    private mutating func forgetFullBuckets(now: ContinuousClock.Instant) {
        let refill = Duration.seconds(self.burst / self.rate)
        self.buckets = self.buckets.filter { now - $0.value.updated < refill }
        if self.buckets.count >= self.capacity { self.buckets.removeAll() }
    }
}
