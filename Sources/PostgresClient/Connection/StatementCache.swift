import CLibPQ

/// Named server-side prepared statements of one connection, by statement text and parameter
/// types: a statement sent again is bound and executed without being parsed and planned
/// again (PostgreSQL then keeps a generic plan when it costs no more than custom ones).
/// Bounded: once `capacity` statements are prepared, further new texts run unprepared.
struct StatementCache {
    let capacity: Int
    private var names: [Key: String] = [:]

    struct Key: Hashable {
        var sql: String
        var types: [UInt32]
    }

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The name of the statement's prepared form, and whether it must be prepared first;
    /// nil when the cache is full and the statement is not in it.
    mutating func name(for query: Query) -> (name: String, isNew: Bool)? {
        let key = Key(sql: query.sql, types: query.bindings.map { $0.type.oid })
        if let name = self.names[key] { return (name, false) }
        guard self.names.count < self.capacity else { return nil }
        let name = "salesops_\(self.names.count + 1)"
        self.names[key] = name
        return (name, true)
    }

    /// Forgets a statement whose preparation failed.
    mutating func forget(_ query: Query) {
        self.names[Key(sql: query.sql, types: query.bindings.map { $0.type.oid })] = nil
    }
}

extension Connection {
    /// Keeps up to `capacity` statements prepared on this connection from now on (see
    /// `StatementCache`): for long-lived connections that send the same statements again and
    /// again, like a server's.
    public func cacheStatements(capacity: Int = 256) {
        self.statementCache = StatementCache(capacity: capacity)
    }

    /// Sends one statement as a prepared statement (preparing it first when new) and returns
    /// its result; nil when it is not cached (the caller sends it unprepared).
    func executeCached(_ query: Query, values: [UnsafePointer<CChar>?], types: [Oid]) throws -> OpaquePointer? {
        guard let (name, isNew) = self.statementCache?.name(for: query) else { return nil }
        let count = Int32(query.bindings.count)
        if self.isPipelined {
            guard !isNew || PQsendPrepare(self.handle, name, query.sql, count, types) == 1,
                  PQsendQueryPrepared(self.handle, name, count, values, nil, nil, 0) == 1,
                  PQsendFlushRequest(self.handle) == 1, PQflush(self.handle) == 0 else {
                throw self.lostError(query: query.sql)
            }
            if isNew {
                guard let pointer = PQgetResult(self.handle) else { throw self.lostError(query: query.sql) }
                let prepared = ResultHandle(pointer)
                self.drainResults()
                guard prepared.status == PGRES_COMMAND_OK else {
                    self.statementCache?.forget(query)
                    // The statement itself was skipped: read its (aborted) result before throwing.
                    if let skipped = PQgetResult(self.handle) { _ = ResultHandle(skipped) }
                    self.drainResults()
                    throw prepared.serverError(query: query.sql, connectionLost: PQstatus(self.handle) != CONNECTION_OK)
                }
            }
            guard let pointer = PQgetResult(self.handle) else { throw self.lostError(query: query.sql) }
            self.drainResults()
            return pointer
        }
        if isNew {
            guard let pointer = PQprepare(self.handle, name, query.sql, count, types) else { throw self.lostError(query: query.sql) }
            let prepared = ResultHandle(pointer)
            guard prepared.status == PGRES_COMMAND_OK else {
                self.statementCache?.forget(query)
                throw prepared.serverError(query: query.sql, connectionLost: PQstatus(self.handle) != CONNECTION_OK)
            }
        }
        return PQexecPrepared(self.handle, name, count, values, nil, nil, 0)
    }
}
