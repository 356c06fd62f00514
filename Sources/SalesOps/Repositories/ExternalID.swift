import Foundation

/// External ids for entities created without one (from the CLI): a prefix naming the
/// entity and a random suffix, e.g. `team-3f9c2a71d0b4`.
enum ExternalID {
    static func generate(prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        return "\(prefix)-\(suffix)"
    }
}

/// A change to an optional reference: keep it, point it elsewhere, or clear it.
public enum ReferenceChange: Sendable, Equatable {
    case keep
    case set(String)
    case clear
}
