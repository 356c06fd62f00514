/// How a statement that inserts rows made on the coordinator keeps working on a Citus cluster
/// under row-level security.
enum ClusterWrites {
    /// The tail of an `INSERT … SELECT` whose rows do not come from the org's own node (an
    /// `unnest` of the client's arrays, say), into a table whose rows were just deleted.
    ///
    /// Citus writes the rows of such a statement into the org's shard with COPY unless the
    /// statement has `ON CONFLICT` or `RETURNING`, and PostgreSQL refuses COPY into a table
    /// under row-level security — which every tenant table is, for the product's login too.
    /// With this clause Citus inserts them with an `INSERT` on the org's node instead. Nothing
    /// conflicts (the statement before deleted the rows it replaces); on one node the clause
    /// changes nothing.
    static let insertNotCopy = "ON CONFLICT DO NOTHING"
}
