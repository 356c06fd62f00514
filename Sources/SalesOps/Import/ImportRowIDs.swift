import PostgresClient

/// The ids an import gives the rows it inserts, reserved before its writes.
///
/// A write that left each new row's id to the table's identity column would call `nextval`
/// per row, and Citus evaluates `nextval` on the coordinator only: it would plan the import's
/// `INSERT … SELECT` "via the coordinator" and pull the org's staged rows from its node and
/// back. Instead the import takes blocks of `salesops.row_id_blocks` (sql/046) that cover
/// every line of its file, in one statement, and each write computes the id of the row staged
/// from line L from the bound blocks: arithmetic every node can do, so the write stays whole
/// on the org's node. The same writes run on one node.
///
/// Ids follow the file's lines; a row that turns out to exist already keeps its id, and the
/// id reserved for its line goes unused.
struct ImportRowIDs: Sendable, Equatable {
    /// Consecutive ids per block (sql/046 fixes the blocks' range from it).
    static let blockSize = 1024

    /// The reserved blocks: block `b` holds the ids `b * blockSize` ..< `(b + 1) * blockSize`.
    let blocks: [Int64]

    /// Reserves enough blocks for lines 1 through `lastLine` of a file.
    static func reserve(coveringLines lastLine: Int, on connection: Connection) throws -> ImportRowIDs {
        let count = max(1, (lastLine + blockSize - 1) / blockSize)
        let rows = try connection.query(
            "SELECT nextval('salesops.row_id_blocks') AS block FROM generate_series(1, \(count))"
        ).rows
        return ImportRowIDs(blocks: try rows.map { try $0.decode("block", as: Int64.self) })
    }

    /// The blocks as the writes' `$2`.
    var binding: Query.Binding {
        Query.Binding(text: self.blocks.postgresText, type: [Int64].postgresType)
    }

    /// The id of the row staged from line `line` (an SQL expression of the staging row), with
    /// the blocks bound as `$2`.
    static func id(ofLine line: String) -> String {
        "(($2::bigint[])[((\(line)) - 1) / \(blockSize) + 1] * \(blockSize) + ((\(line)) - 1) % \(blockSize))"
    }

    /// The id a row staged from `line` gets from `blocks` (what `id(ofLine:)` computes in SQL).
    func id(ofLine line: Int) -> Int64 {
        self.blocks[(line - 1) / Self.blockSize] * Int64(Self.blockSize) + Int64((line - 1) % Self.blockSize)
    }
}

