import SalesOps
import Synchronization

/// Which org a credential belongs to, remembered after the database has accepted it once, so
/// the executor can queue a request under its org before any database work. A credential
/// never seen (or forgotten) queues as `.unidentified`; every request's credential is still
/// checked in the database, so a revoked token stops working at once whatever is cached.
/// Only fingerprints are kept, at most `capacity` of them (all forgotten when full).
final class CredentialOwners: Sendable {
    private let owners = Mutex<[String: Int64]>([:])
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The work owner of a request presenting `credential`.
    func owner(of credential: String) -> WorkOwner {
        let fingerprint = CredentialFingerprint.of(credential)
        return self.owners.withLock { $0[fingerprint] }.map(WorkOwner.org) ?? .unidentified
    }

    /// Remembers that the database accepted `credential` as one of `orgID`'s.
    func remember(_ credential: String, orgID: Int64) {
        let fingerprint = CredentialFingerprint.of(credential)
        self.owners.withLock { owners in
            if owners[fingerprint] == nil && owners.count >= self.capacity { owners.removeAll() }
            owners[fingerprint] = orgID
        }
    }
}
