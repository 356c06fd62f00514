import Foundation
import PostgresClient
@testable import SalesOps
import Testing
import TestSupport

/// An import names each new row's id itself, from blocks reserved for its file's lines
/// (sql/046), so its write needs no `nextval` per row.
@Suite("Ids of imported rows")
struct ImportRowIDsTests {
    /// The first id the blocks hand out (2^52) and the first one past them (2^53).
    static let firstImportedID: Int64 = 1 << 52
    static let pastImportedIDs: Int64 = 1 << 53

    /// The org's accounts: external id → id.
    static func accountIDs(_ org: Org, _ connection: Connection) throws -> [String: Int64] {
        try connection.withTenant(org.id) { session in
            let rows = try session.connection.query("SELECT external_id, id FROM salesops.accounts WHERE org_id = \(org.id)").rows
            return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode("external_id", as: String.self), try $0.decode("id", as: Int64.self)) })
        }
    }

    @Test("the SQL expression gives each line the id the Swift arithmetic does, across block boundaries")
    func expressionMatchesArithmetic() throws {
        let connection = try SharedDatabase.connect()
        defer { connection.close() }
        let ids = ImportRowIDs(blocks: [4_398_046_511_200, 4_398_046_511_105, 4_398_046_511_300])
        for line in [1, 2, 1023, 1024, 1025, 2048, 2049, 3072] {
            let sql = "SELECT \(ImportRowIDs.id(ofLine: "$1")) AS id"
            let row = try connection.query(Query(unescaped: sql, bindings: [Query.Binding(text: String(line), type: .int8), ids.binding])).rows[0]
            #expect(try row.decode("id", as: Int64.self) == ids.id(ofLine: line), "line \(line)")
        }
        #expect(ids.id(ofLine: 1) == 4_398_046_511_200 * 1024)
        #expect(ids.id(ofLine: 1024) == 4_398_046_511_200 * 1024 + 1023)
        #expect(ids.id(ofLine: 1025) == 4_398_046_511_105 * 1024)
    }

    @Test("a file's rows get distinct ids in its blocks, by line; a re-import keeps them; a row made one at a time counts from 1")
    func idsFollowLines() throws {
        let connection = try SharedDatabase.connect()
        defer { connection.close() }
        let org = try SharedDatabase.makeOrg(on: connection)
        // 1,500 rows on lines 2…1501: two blocks.
        let file = "external_id,name\n" + (2...1501).map { "a-\($0),Account \($0)\n" }.joined()
        let report = try ImportFixture.importText(file, kind: .accounts, org: org, connection: connection)
        #expect(report.inserted == 1500)
        let ids = try Self.accountIDs(org, connection)
        #expect(Set(ids.values).count == 1500)
        #expect(ids.values.allSatisfy { $0 >= Self.firstImportedID && $0 < Self.pastImportedIDs })
        #expect(Set(ids.values.map { $0 / Int64(ImportRowIDs.blockSize) }).count == 2)
        // Within a block, the next line has the next id.
        for line in 2...1500 where line % ImportRowIDs.blockSize != 0 {
            #expect(ids["a-\(line + 1)"] == ids["a-\(line)"].map { $0 + 1 }, "line \(line + 1)")
        }

        // Re-imported rows keep their ids; a new row in the same file gets a new block's id.
        let again = try ImportFixture.importText(file + "a-new,Newcomer\n", kind: .accounts, org: org, connection: connection)
        #expect(again.inserted == 1 && again.updated == 0)
        let after = try Self.accountIDs(org, connection)
        #expect(after.filter { $0.key != "a-new" } == ids)
        let newcomer = try #require(after["a-new"])
        #expect(!ids.values.contains(newcomer) && newcomer >= Self.firstImportedID && newcomer < Self.pastImportedIDs)

        // A team made from the CLI takes its id from the identity column, far below.
        let team = try connection.withTenant(org.id) {
            try TeamRepository(session: $0).create(externalID: "t-direct", name: "Direct", parentExternalID: nil)
        }
        #expect(team.id > 0 && team.id < Self.firstImportedID)
    }
}
