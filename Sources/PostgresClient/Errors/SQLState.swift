/// A PostgreSQL SQLSTATE code (five characters).
///
/// The type is open: any code the server sends survives as it is, whether or not a constant
/// below names it, so callers can match on codes this library does not know about.
public struct SQLState: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The five-character code, e.g. `"23505"`.
    public let code: String

    /// Creates a state from its five-character code.
    public init(_ code: String) {
        self.code = code
    }

    public init(stringLiteral value: String) {
        self.code = value
    }

    /// The two-character class, e.g. `"23"` for integrity constraint violations.
    public var errorClass: String { String(self.code.prefix(2)) }

    public var description: String { self.code }

    public static let uniqueViolation: SQLState = "23505"
    public static let foreignKeyViolation: SQLState = "23503"
    public static let notNullViolation: SQLState = "23502"
    public static let checkViolation: SQLState = "23514"
    public static let exclusionViolation: SQLState = "23P01"
    public static let raiseException: SQLState = "P0001"
    public static let serializationFailure: SQLState = "40001"
    public static let deadlockDetected: SQLState = "40P01"
    public static let insufficientPrivilege: SQLState = "42501"
    public static let undefinedTable: SQLState = "42P01"
    public static let syntaxError: SQLState = "42601"
    public static let invalidTextRepresentation: SQLState = "22P02"
    public static let adminShutdown: SQLState = "57P01"
    public static let crashShutdown: SQLState = "57P02"
    public static let cannotConnectNow: SQLState = "57P03"
    public static let tooManyConnections: SQLState = "53300"
    public static let queryCanceled: SQLState = "57014"

    /// Whether the code belongs to class 23, integrity constraint violations.
    public var isIntegrityConstraintViolation: Bool { self.errorClass == "23" }

    /// Whether the code belongs to class 08, connection exceptions.
    public var isConnectionException: Bool { self.errorClass == "08" }
}
