import CLibPQ

/// Sole owner of a libpq `PGresult`: `PQclear` runs exactly once, when the owner ends.
struct ResultHandle: ~Copyable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        PQclear(self.pointer)
    }

    var status: ExecStatusType { PQresultStatus(self.pointer) }

    /// The rows and command outcome, copied into Swift values.
    func read() -> QueryResult {
        let rowCount = Int(PQntuples(self.pointer))
        let columnCount = Int(PQnfields(self.pointer))
        var columns: [QueryResult.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(self.pointer, Int32(column)).map { String(cString: $0) } ?? "?column?"
            columns.append(.init(name: name, type: PostgresDataType(oid: PQftype(self.pointer, Int32(column)))))
        }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(self.pointer, Int32(row), Int32(column)) == 1 {
                    rowValues.append(nil)
                    continue
                }
                let length = Int(PQgetlength(self.pointer, Int32(row), Int32(column)))
                let bytes = UnsafeRawPointer(PQgetvalue(self.pointer, Int32(row), Int32(column))!)
                let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
                rowValues.append(String(decoding: buffer, as: UTF8.self))
            }
            values.append(rowValues)
        }
        let tag = PQcmdStatus(self.pointer).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(self.pointer).flatMap { Int(String(cString: $0)) } ?? 0
        return QueryResult(columns: columns, values: values, affectedRows: affected, commandTag: tag)
    }

    /// The server error this result carries, with every diagnostic field.
    func serverError(query: String?, connectionLost: Bool) -> PostgresError {
        func field(_ code: Int32) -> String? { NoticeReceiver.field(self.pointer, code) }
        let primary = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
            ?? PQresultErrorMessage(self.pointer).map { String(cString: $0) }?.trimmingTrailingNewlines()
            ?? "unknown error"
        var error = PostgresError(kind: connectionLost ? .connectionLost : .server, message: primary,
                                  sqlState: field(CLIBPQ_DIAG_SQLSTATE).map { SQLState($0) }, query: query)
        error.severity = field(CLIBPQ_DIAG_SEVERITY_NONLOCALIZED)
        error.detail = field(CLIBPQ_DIAG_MESSAGE_DETAIL)
        error.hint = field(CLIBPQ_DIAG_MESSAGE_HINT)
        error.schema = field(CLIBPQ_DIAG_SCHEMA_NAME)
        error.table = field(CLIBPQ_DIAG_TABLE_NAME)
        error.column = field(CLIBPQ_DIAG_COLUMN_NAME)
        error.dataType = field(CLIBPQ_DIAG_DATATYPE_NAME)
        error.constraint = field(CLIBPQ_DIAG_CONSTRAINT_NAME)
        error.context = field(CLIBPQ_DIAG_CONTEXT)
        return error
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline { text.removeLast() }
        return String(text)
    }
}
