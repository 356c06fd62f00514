import Foundation
import PostgresClient

/// Operating a Citus cluster (README "When one machine is not enough"): where the shards and
/// the largest orgs are, moving a whale org onto a shard of its own, and rebalancing shards
/// across workers. Operator-wide work: these statements may reach every node.
public struct CitusCluster {
    /// The database is plain PostgreSQL (no `citus` extension, or no worker registered).
    public struct NotACluster: Error, CustomStringConvertible, Sendable {
        public var command: String
        public var description: String {
            "\(self.command) needs a Citus cluster: this database has no Citus workers (plain PostgreSQL runs every org on one node)"
        }
    }

    let connection: Connection

    /// - Throws: `NotACluster` when `connection`'s database is not a Citus coordinator with workers.
    public init(connection: Connection, command: String) throws {
        guard try CitusLayout.isCluster(connection) else { throw NotACluster(command: command) }
        self.connection = connection
    }

    /// One node and what it holds.
    public struct Node: Codable, Sendable, Equatable {
        public var name: String
        public var port: Int
        public var role: String
        public var shards: Int
        public var shardBytes: Int64
    }

    /// One of the largest orgs: its stored rows and the node holding them.
    public struct OrgPlacement: Codable, Sendable, Equatable {
        public var slug: String
        public var orgID: Int64
        public var storedRows: Int64
        public var node: String
        /// Whether the org has shards of its own (`org isolate`).
        public var isolated: Bool

        enum CodingKeys: String, CodingKey {
            case slug, orgID = "org_id", storedRows = "stored_rows", node, isolated
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        public var nodes: [Node]
        public var distributedTables: Int
        public var referenceTables: Int
        public var largestOrgs: [OrgPlacement]

        enum CodingKeys: String, CodingKey {
            case nodes, distributedTables = "distributed_tables", referenceTables = "reference_tables", largestOrgs = "largest_orgs"
        }
    }

    /// The tables counted as an org's stored rows: its raw records and its stored facts.
    static let countedTables = [
        "salesops.deals", "salesops.deal_stage_changes", "salesops.activities", "salesops.leads", "salesops.accounts",
        "kpi.metric_fact_sets", "kpi.breakdown_fact_sets", "kpi.stage_facts",
    ]

    /// Nodes with their shard counts and sizes, and the `limit` largest orgs with their node.
    public func status(limit: Int = 10) throws -> Status {
        let nodes = try self.connection.query("""
            SELECT n.nodename AS name, n.nodeport AS port,
                   CASE WHEN n.groupid = 0 THEN 'coordinator' ELSE 'worker' END AS role,
                   count(s.shardid)::int AS shards, COALESCE(sum(s.shard_size), 0)::bigint AS shard_bytes
            FROM pg_dist_node n
            LEFT JOIN citus_shards s ON s.nodename = n.nodename AND s.nodeport = n.nodeport AND s.citus_table_type = 'distributed'
            WHERE n.isactive AND n.noderole = 'primary'
            GROUP BY n.groupid, n.nodename, n.nodeport
            ORDER BY n.groupid, n.nodename, n.nodeport
            """).rows.map {
            Node(name: try $0.decode("name"), port: try $0.decode("port"), role: try $0.decode("role"), shards: try $0.decode("shards"),
                 shardBytes: try $0.decode("shard_bytes"))
        }
        let tables = try self.connection.query("""
            SELECT count(*) FILTER (WHERE partmethod = 'h')::int AS distributed, count(*) FILTER (WHERE repmodel = 't')::int AS reference
            FROM pg_dist_partition
            """).rows[0]
        let counts = Self.countedTables.map { "SELECT org_id, count(*) AS n FROM \($0) GROUP BY org_id" }.joined(separator: " UNION ALL ")
        let largest = try self.connection.query(Query(unescaped: """
            WITH stored AS (SELECT org_id, sum(n)::bigint AS n FROM (\(counts)) c GROUP BY org_id)
            SELECT o.slug, o.id, COALESCE(s.n, 0) AS stored_rows,
                   format('%s:%s', placed.nodename, placed.nodeport) AS node,
                   ds.shardminvalue = ds.shardmaxvalue AS isolated
            FROM salesops.orgs o
            LEFT JOIN stored s ON s.org_id = o.id
            CROSS JOIN LATERAL (SELECT get_shard_id_for_distribution_column('salesops.teams', o.id) AS shardid) shard
            JOIN pg_dist_shard ds ON ds.shardid = shard.shardid
            JOIN citus_shards placed ON placed.shardid = shard.shardid
            ORDER BY stored_rows DESC, o.slug
            LIMIT \(limit)
            """)).rows.map {
            OrgPlacement(slug: try $0.decode("slug"), orgID: try $0.decode("id"), storedRows: try $0.decode("stored_rows"),
                         node: try $0.decode("node"), isolated: try $0.decode("isolated"))
        }
        return Status(nodes: nodes, distributedTables: try tables.decode("distributed"), referenceTables: try tables.decode("reference"),
                      largestOrgs: largest)
    }

    /// What `isolate` did.
    public struct Isolation: Codable, Sendable, Equatable {
        public var slug: String
        public var shardID: Int64
        public var node: String
        /// Whether the org already had shards of its own (nothing was moved).
        public var alreadyIsolated: Bool
        /// The org's rows in every tenant table, counted before and after the split.
        public var rowsBefore: Int64
        public var rowsAfter: Int64

        enum CodingKeys: String, CodingKey {
            case slug, shardID = "shard_id", node, alreadyIsolated = "already_isolated", rowsBefore = "rows_before", rowsAfter = "rows_after"
        }
    }

    /// Moves `org` onto shards of its own (Citus's tenant isolation, for every co-located table
    /// at once; the shard stays on its node). The split is all-or-nothing; writes to the shard
    /// being split wait until it is done, reads go on. The org's rows in every tenant table are
    /// counted before and after; writes of the org running meanwhile can change the count.
    public func isolate(_ org: Org) throws -> Isolation {
        let tenantTables = try self.connection.query("""
            SELECT logicalrelid::regclass::text AS name FROM pg_dist_partition
            WHERE partmethod = 'h' AND colocationid = (SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = 'salesops.teams'::regclass)
            ORDER BY 1
            """).rows.map { try $0.decode("name", as: String.self) }
        let countSQL = tenantTables.map { "(SELECT count(*) FROM \($0) WHERE org_id = \(org.id))" }.joined(separator: " + ")
        func rows() throws -> Int64 {
            try self.connection.query(Query(unescaped: "SELECT (\(countSQL))::bigint AS n")).rows[0].decode("n")
        }
        func placement() throws -> (shard: Int64, node: String, isolated: Bool) {
            let row = try self.connection.query("""
                SELECT s.shardid, format('%s:%s', s.nodename, s.nodeport) AS node, ds.shardminvalue = ds.shardmaxvalue AS isolated
                FROM citus_shards s JOIN pg_dist_shard ds ON ds.shardid = s.shardid
                WHERE s.shardid = get_shard_id_for_distribution_column('salesops.teams', \(org.id))
                """).rows[0]
            return (try row.decode("shardid"), try row.decode("node"), try row.decode("isolated"))
        }
        let before = try placement()
        let counted = try rows()
        if before.isolated {
            return Isolation(slug: org.slug, shardID: before.shard, node: before.node, alreadyIsolated: true,
                             rowsBefore: counted, rowsAfter: counted)
        }
        try self.connection.execute("""
            SELECT isolate_tenant_to_new_shard('salesops.teams', \(org.id), 'CASCADE', shard_transfer_mode => 'block_writes')
            """)
        let after = try placement()
        guard after.isolated else {
            throw SalesOpsError.conflict("org '\(org.slug)' does not have a shard of its own after the split (shard \(after.shard))")
        }
        return Isolation(slug: org.slug, shardID: after.shard, node: after.node, alreadyIsolated: false,
                         rowsBefore: counted, rowsAfter: try rows())
    }

    /// The rebalancer's state.
    public struct Rebalance: Codable, Sendable, Equatable {
        /// The background job, nil when no shard needed to move.
        public var jobID: Int64?
        public var state: String
        public var tasksDone: Int
        public var tasksTotal: Int

        enum CodingKeys: String, CodingKey {
            case jobID = "job_id", state, tasksDone = "tasks_done", tasksTotal = "tasks_total"
        }
    }

    /// Starts Citus's background rebalancer (shards moved between workers with writes blocked
    /// only per shard moved); nil job when the shards are already balanced.
    public func startRebalance() throws -> Rebalance {
        let job: Int64? = try self.connection.query("SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes') AS job")
            .rows[0].decode("job")
        guard let job else { return Rebalance(jobID: nil, state: "balanced", tasksDone: 0, tasksTotal: 0) }
        return try self.rebalance(job: job)
    }

    /// The state of a rebalance job.
    public func rebalance(job: Int64) throws -> Rebalance {
        let row = try self.connection.query("""
            SELECT j.state::text AS state,
                   count(t.task_id) FILTER (WHERE t.status = 'done')::int AS done, count(t.task_id)::int AS total
            FROM pg_dist_background_job j LEFT JOIN pg_dist_background_task t ON t.job_id = j.job_id
            WHERE j.job_id = \(job)
            GROUP BY j.state
            """).rows[0]
        return Rebalance(jobID: job, state: try row.decode("state"), tasksDone: try row.decode("done"), tasksTotal: try row.decode("total"))
    }
}
