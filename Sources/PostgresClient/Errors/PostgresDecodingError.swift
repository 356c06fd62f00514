/// A column value could not be decoded into the Swift type asked for.
///
/// It names the column, its PostgreSQL type and the Swift type; the value itself is left
/// out of `description` (it may be sensitive) and kept in `debugDescription`.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The column's PostgreSQL type cannot become the Swift type.
        case typeMismatch
        /// The column is NULL and the Swift type is not optional.
        case unexpectedNull
        /// The text could not be parsed as the Swift type.
        case invalidValue
        /// No column of that name or index exists in the row.
        case missingColumn
    }

    public var reason: Reason
    public var columnName: String
    public var columnIndex: Int
    public var postgresType: PostgresDataType
    public var swiftType: String
    public var value: String?

    public var description: String {
        switch self.reason {
        case .typeMismatch:
            return "column '\(self.columnName)' (#\(self.columnIndex)) of type \(self.postgresType) cannot be decoded as \(self.swiftType)"
        case .unexpectedNull:
            return "column '\(self.columnName)' (#\(self.columnIndex)) of type \(self.postgresType) is NULL but \(self.swiftType) is not optional"
        case .invalidValue:
            return "column '\(self.columnName)' (#\(self.columnIndex)) of type \(self.postgresType) holds a value that is not a valid \(self.swiftType)"
        case .missingColumn:
            return "no column '\(self.columnName)' in the row (asked for \(self.swiftType))"
        }
    }

    public var debugDescription: String {
        self.description + (self.value.map { " (value: \($0))" } ?? "")
    }
}
