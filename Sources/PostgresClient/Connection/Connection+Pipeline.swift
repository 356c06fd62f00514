import CLibPQ

extension Connection {
    /// Runs `body` with the connection in libpq's pipeline mode: every statement the body
    /// sends (`query`, `execute`) runs in one implicit transaction that ends at the pipeline's
    /// single `Sync` when the body returns — no `BEGIN` or `COMMIT` statement, so
    /// transaction-local settings (`set_config(…, true)`) made by one statement hold for the
    /// next ones and end with the pipeline.
    ///
    /// Each statement still waits for its own result before the body goes on (a flush
    /// request follows it), so the body can decide from one result what to send next.
    ///
    /// A statement that fails rolls the implicit transaction back; the error is thrown as
    /// by `query`. If the body throws anything else, the statements that succeeded are
    /// committed at the `Sync`: use the pipeline for reads (make the transaction read-only
    /// early), and `withTransaction` for work that must roll back on the body's errors.
    /// - Throws: the body's error, or `.connectionLost` if the pipeline cannot be ended.
    @discardableResult
    public func withPipeline<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try self.ensureOpen(query: nil)
        guard !self.isInTransaction else {
            throw PostgresError(kind: .unexpectedResult, message: "a pipeline cannot start inside an open transaction")
        }
        guard PQenterPipelineMode(self.handle) == 1 else { throw self.lostError(query: nil) }
        self.isPipelined = true
        let result: Result
        do {
            result = try body(self)
        } catch {
            try self.endPipeline()
            throw error
        }
        try self.endPipeline()
        return result
    }

    /// Sends the pipeline's `Sync`, reads what is left up to its result and leaves pipeline mode.
    private func endPipeline() throws {
        self.isPipelined = false
        guard PQpipelineSync(self.handle) == 1 else { throw self.lostError(query: nil) }
        var synced = false
        while !synced {
            guard let pointer = PQgetResult(self.handle) else {
                if PQstatus(self.handle) != CONNECTION_OK { throw self.lostError(query: nil) }
                continue
            }
            let result = ResultHandle(pointer)
            if result.status == PGRES_PIPELINE_SYNC {
                synced = true
            } else if result.status == PGRES_FATAL_ERROR, PQstatus(self.handle) != CONNECTION_OK {
                throw result.serverError(query: nil, connectionLost: true)
            }
        }
        guard PQexitPipelineMode(self.handle) == 1 else { throw self.lostError(query: nil) }
    }

    /// Sends one statement of a pipeline and waits for its result (the caller owns it).
    func executePipelined(_ query: Query, values: [UnsafePointer<CChar>?], types: [Oid]) throws -> OpaquePointer {
        let sent = PQsendQueryParams(self.handle, query.sql, Int32(query.bindings.count), types, values, nil, nil, 0) == 1
        guard sent, PQsendFlushRequest(self.handle) == 1, PQflush(self.handle) == 0 else {
            throw self.lostError(query: query.sql)
        }
        guard let pointer = PQgetResult(self.handle) else { throw self.lostError(query: query.sql) }
        // The statement's results end with a NULL before the next statement's begin.
        self.drainResults()
        return pointer
    }
}
