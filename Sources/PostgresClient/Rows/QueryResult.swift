/// The rows a statement returned, copied out of libpq's result.
public struct QueryResult: Sendable {
    /// A result column: its name and PostgreSQL type.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: PostgresDataType
    }

    /// The result's columns in order.
    public let columns: [Column]
    /// The rows in order.
    public let rows: [Row]
    /// The number of rows the command touched (`INSERT`, `UPDATE`, `DELETE`, `COPY`...).
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 3`.
    public let commandTag: String

    init(columns: [Column], values: [[String?]], affectedRows: Int, commandTag: String) {
        self.columns = columns
        var index: [String: Int] = [:]
        for (position, column) in columns.enumerated() where index[column.name] == nil {
            index[column.name] = position
        }
        let shared = ColumnIndex(columns: columns, positions: index)
        self.rows = values.map { Row(values: $0, columnIndex: shared) }
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    /// The only row, or nil when there is none. Throws when there is more than one.
    public func singleRow() throws -> Row? {
        guard self.rows.count <= 1 else {
            throw PostgresError(kind: .unexpectedResult, message: "expected at most one row, got \(self.rows.count)")
        }
        return self.rows.first
    }
}

/// Column metadata shared by all rows of one result.
final class ColumnIndex: Sendable {
    let columns: [QueryResult.Column]
    let positions: [String: Int]

    init(columns: [QueryResult.Column], positions: [String: Int]) {
        self.columns = columns
        self.positions = positions
    }
}

/// One result row: values in text format, decoded on demand.
public struct Row: Sendable {
    let values: [String?]
    let columnIndex: ColumnIndex

    /// The number of columns.
    public var count: Int { self.values.count }

    /// The column names, in result order.
    public var columnNames: [String] { self.columnIndex.columns.map(\.name) }

    /// The column at `position` (0-based) in PostgreSQL's text format, nil for NULL.
    public func text(at position: Int) -> String? {
        position >= 0 && position < self.values.count ? self.values[position] : nil
    }

    /// Whether the named column is NULL (or absent).
    public func isNull(_ column: String) -> Bool {
        guard let position = self.columnIndex.positions[column] else { return true }
        return self.values[position] == nil
    }

    /// Decodes the named column.
    /// - Throws: `PostgresDecodingError` naming the column, its type and `type` when the
    ///   column is missing, NULL, of an incompatible type or holds an invalid value.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        guard let position = self.columnIndex.positions[column] else {
            throw PostgresDecodingError(reason: .missingColumn, columnName: column, columnIndex: -1,
                                        postgresType: .unspecified, swiftType: "\(Value.self)", value: nil)
        }
        return try self.decode(at: position, as: type)
    }

    /// Decodes the named column, NULL as nil.
    public func decode<Value: PostgresDecodable>(_ column: String, as type: Value?.Type = Value?.self) throws -> Value? {
        guard let position = self.columnIndex.positions[column] else {
            throw PostgresDecodingError(reason: .missingColumn, columnName: column, columnIndex: -1,
                                        postgresType: .unspecified, swiftType: "\(Value.self)?", value: nil)
        }
        if self.values[position] == nil { return nil }
        return try self.decode(at: position, as: Value.self)
    }

    /// Decodes the column at `position` (0-based).
    public func decode<Value: PostgresDecodable>(at position: Int, as type: Value.Type = Value.self) throws -> Value {
        guard position >= 0, position < self.values.count else {
            throw PostgresDecodingError(reason: .missingColumn, columnName: "#\(position)", columnIndex: position,
                                        postgresType: .unspecified, swiftType: "\(Value.self)", value: nil)
        }
        let column = self.columnIndex.columns[position]
        func failure(_ reason: PostgresDecodingError.Reason) -> PostgresDecodingError {
            PostgresDecodingError(reason: reason, columnName: column.name, columnIndex: position,
                                  postgresType: column.type, swiftType: "\(Value.self)", value: self.values[position])
        }
        guard let text = self.values[position] else { throw failure(.unexpectedNull) }
        let decoded: Value?
        do {
            decoded = try Value(postgresText: text, type: column.type)
        } catch {
            throw failure(.typeMismatch)
        }
        guard let decoded else { throw failure(.invalidValue) }
        return decoded
    }
}
