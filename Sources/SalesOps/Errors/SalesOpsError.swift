/// An error of the product's own rules (as opposed to a database or transport error).
///
/// Each case maps to one exit code of the CLI: `invalidInput` and `conflict` are bad data
/// (65), `notFound` is bad data too, `usage` is a usage error (64).
public enum SalesOpsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument or value broke a rule; the message names what and where.
    case invalidInput(String)
    /// A named entity does not exist in the org.
    case notFound(String)
    /// The change would break a uniqueness or state rule.
    case conflict(String)
    /// The schema on disk and the schema applied disagree.
    case schemaDrift(String)

    public var description: String {
        switch self {
        case .invalidInput(let message), .notFound(let message), .conflict(let message), .schemaDrift(let message):
            return message
        }
    }
}
