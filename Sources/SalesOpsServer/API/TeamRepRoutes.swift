import Foundation
import Hummingbird
import PostgresClient
import SalesOps

/// Teams and reps: readers list them; admins create or replace one by external id. A
/// write is a one-row import of the same kind, so it follows exactly the import's rules
/// (SPEC §4) and its problems come back as 422 with the column and value.
struct TeamRepRoutes {
    let access: TenantAccess

    private struct TeamInput: Decodable {
        var name: String
        var parentExternalId: String?
        var kind: String?
    }

    private struct RepInput: Decodable {
        var name: String
        var email: String
        var teamExternalId: String?
        var role: String?
        var hiredOn: String
        var leftOn: String?
    }

    func register(on table: inout RouteTable) {
        table.add(.get, "/v1/teams") { request, _ in
            let teams = try await self.access.inOrg(request) { try TeamRepository(session: $0).list() }
            return try JSONBody.response(["teams": teams])
        }
        table.add(.put, "/v1/teams/{external_id}") { request, context in
            let externalID = try Self.externalID(context)
            let input = try await JSONBody.decode(TeamInput.self, from: request, context: context)
            let team = try await self.write(.teams, request: request,
                                            header: ["external_id", "name", "parent_external_id", "kind"],
                                            row: [externalID, input.name, input.parentExternalId, input.kind]) { session in
                try TeamRepository(session: session).get(externalID: externalID)
            }
            return try JSONBody.response(team.value, status: team.created ? .created : .ok)
        }
        table.add(.get, "/v1/reps") { request, _ in
            let team = try QueryParameters(request: request).optional("team")
            let reps = try await self.access.inOrg(request) { try RepRepository(session: $0).list(teamExternalID: team) }
            return try JSONBody.response(["reps": reps])
        }
        table.add(.put, "/v1/reps/{external_id}") { request, context in
            let externalID = try Self.externalID(context)
            let input = try await JSONBody.decode(RepInput.self, from: request, context: context)
            let rep = try await self.write(.reps, request: request,
                                           header: ["external_id", "name", "email", "team_external_id", "role", "hired_on", "left_on"],
                                           row: [externalID, input.name, input.email, input.teamExternalId, input.role,
                                                 input.hiredOn, input.leftOn]) { session in
                try RepRepository(session: session).get(externalID: externalID)
            }
            return try JSONBody.response(rep.value, status: rep.created ? .created : .ok)
        }
    }

    static func externalID(_ context: APIContext) throws -> String {
        try context.pathParameter("external_id")
    }

    /// Imports one row as CSV, then reads the entity back in the org's context.
    private func write<Value: Sendable>(_ kind: ImportKind, request: Request, header: [String], row: [String?],
                                        read: @escaping @Sendable (TenantSession) throws -> Value) async throws -> (value: Value, created: Bool) {
        let csv = CSVText.line(header) + CSVText.line(row)
        return try await self.access.authorized(request, role: .admin) { connection, principal in
            let report = try CSVText.withTemporaryFile(csv) { handle in
                try Importer(connection: connection).run(kind, orgID: principal.orgID, handle: handle, fileName: "request body")
            }
            let value = try connection.withTenant(principal.orgID, read)
            return (value, report.inserted > 0)
        }
    }
}

/// Writing CSV text (RFC 4180): every field quoted, quotes doubled; nil is an empty cell.
enum CSVText {
    static func line(_ fields: [String?]) -> String {
        fields.map { field in field.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? "" }
            .joined(separator: ",") + "\r\n"
    }

    /// Runs `body` with a handle on a temporary file holding `text`, removed afterwards.
    static func withTemporaryFile<Result>(_ text: String, _ body: (FileHandle) throws -> Result) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return try body(handle)
    }
}
