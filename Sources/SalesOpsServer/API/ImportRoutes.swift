import Foundation
import Hummingbird
import SalesOps

/// CSV imports (admin): the body streams to a temporary file, at most `maximumBytes`,
/// then goes through the same all-or-nothing import as `salesctl import`.
struct ImportRoutes {
    let access: TenantAccess
    let maximumBytes: Int

    func register(on table: inout RouteTable) {
        table.add(.post, "/v1/imports/{kind}") { request, context in
            let name = try context.pathParameter("kind")
            guard let kind = ImportKind(rawValue: name) else {
                throw Problem(.notFound, "no import kind '\(name)'; kinds: "
                              + ImportKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            // Authenticate before reading the body, so no one without an admin token can make the server store bytes.
            _ = try await self.access.authorized(request, role: .admin) { _, principal in principal }
            let file = try await self.spool(request)
            defer { try? FileManager.default.removeItem(at: file) }
            // Checked again once the upload is in (it may have taken minutes): a token revoked meanwhile is refused.
            let report = try await self.access.authorized(request, role: .admin) { connection, principal in
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                return try Importer(connection: connection).run(kind, orgID: principal.orgID, handle: handle, fileName: "request body")
            }
            return try JSONBody.response(report)
        }
    }

    /// Writes the body to a new temporary file chunk by chunk, refusing it (413) past the limit.
    private func spool(_ request: Request) async throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-import-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw Problem(.internalServerError, "cannot store the upload")
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            var written = 0
            for try await chunk in request.body {
                written += chunk.readableBytes
                guard written <= self.maximumBytes else {
                    throw Problem(.contentTooLarge, "the CSV is larger than \(self.maximumBytes) bytes")
                }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
            return url
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
    }
}
