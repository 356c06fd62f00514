import ArgumentParser
import Foundation
import SalesOps

/// `salesctl cluster ...`: operating a Citus cluster.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Show a Citus cluster's nodes, shards and largest orgs; rebalance shards across workers.",
        discussion: "On plain PostgreSQL these commands exit 64: every org lives on the one node.",
        subcommands: [ClusterStatus.self, ClusterRebalance.self]
    )
}

/// `salesctl cluster status [--json]`
struct ClusterStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Nodes, shard counts per node, the largest orgs and where they live.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many of the largest orgs to list (1–1000).")
    var orgs = 10

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(self.orgs) else { throw ValidationError("--orgs must be 1–1000") }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let status = try CitusCluster(connection: session.connection, command: "cluster status").status(limit: self.orgs)
            if self.json { return try Output.json(status) }
            print("\(status.distributedTables) distributed tables, \(status.referenceTables) reference tables\n")
            Output.table(["NODE", "ROLE", "SHARDS", "SHARD BYTES"],
                         status.nodes.map { ["\($0.name):\($0.port)", $0.role, String($0.shards), String($0.shardBytes)] })
            print("")
            Output.table(["ORG", "STORED ROWS", "NODE", "OWN SHARD"],
                         status.largestOrgs.map { [$0.slug, String($0.storedRows), $0.node, $0.isolated ? "yes" : "no"] })
        }
    }
}

/// `salesctl cluster rebalance [--no-wait] [--json]`
struct ClusterRebalance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Start Citus's rebalancer and report its progress until it ends.",
        discussion: "Shards move between workers in the background; each shard's writes wait while it moves, reads go on."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Report the started job and return without waiting for it.")
    var noWait = false

    @Option(help: "Seconds between progress reports (1–600).")
    var pollSeconds = 2

    @Flag(help: "Print JSON (the last state).")
    var json = false

    func validate() throws {
        guard (1...600).contains(self.pollSeconds) else { throw ValidationError("--poll-seconds must be 1–600") }
    }

    func run() throws {
        try reportingErrors {
            let session = try Session.open(self.global)
            let cluster = try CitusCluster(connection: session.connection, command: "cluster rebalance")
            var state = try cluster.startRebalance()
            while let job = state.jobID, !self.noWait, !["finished", "cancelled", "failed"].contains(state.state) {
                if !self.json { print("job \(job): \(state.state), \(state.tasksDone) of \(state.tasksTotal) shard moves done") }
                Thread.sleep(forTimeInterval: Double(self.pollSeconds))
                state = try cluster.rebalance(job: job)
            }
            if self.json { return try Output.json(state) }
            if let job = state.jobID {
                print("job \(job): \(state.state), \(state.tasksDone) of \(state.tasksTotal) shard moves done")
            } else {
                print("the shards are balanced: nothing to move")
            }
            if state.state == "failed" || state.state == "cancelled" {
                throw SalesOpsError.conflict("rebalance job \(state.jobID.map(String.init) ?? "") ended \(state.state): see citus_rebalance_status()")
            }
        }
    }
}
