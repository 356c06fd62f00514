import ArgumentParser
import SalesOps

/// `salesctl org isolate SLUG [--json]`
struct OrgIsolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolate",
        abstract: "Move an org onto shards of its own on a Citus cluster (tenant isolation).",
        discussion: """
            For a whale org: its rows of every tenant table leave the shards they shared with other orgs. \
            Writes to the shard being split wait until the split is done; reads go on. \
            Exits 64 on plain PostgreSQL.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The org's slug.")
    var slug: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let cluster = try CitusCluster(connection: session.connection, command: "org isolate")
            let result = try cluster.isolate(try session.org(self.slug))
            if self.json { return try Output.json(result) }
            print(result.alreadyIsolated
                  ? "\(result.slug) already has shards of its own (shard \(result.shardID) on \(result.node), \(result.rowsAfter) rows)"
                  : "\(result.slug) now has shards of its own: shard \(result.shardID) on \(result.node); "
                    + "its rows: \(result.rowsBefore) before the split, \(result.rowsAfter) after")
        }
    }
}
