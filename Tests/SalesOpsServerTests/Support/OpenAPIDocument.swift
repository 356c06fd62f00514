import Foundation
import TestSupport
import Yams

/// The repository's `openapi.yaml`, read as the contract the tests check the server against.
struct OpenAPIDocument {
    struct Parameter: Hashable {
        var name: String
        var location: String
        var required: Bool
    }

    struct Operation {
        var method: String
        var path: String
        var parameters: [Parameter]
        /// The request body's media type and schema name (`#/components/schemas/NAME`), if any.
        var body: (mediaType: String, schema: String?)?
        var statuses: Set<String>
    }

    let root: [String: Any]

    static func load() throws -> OpenAPIDocument {
        let text = try String(contentsOf: TestCluster.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        return OpenAPIDocument(root: root)
    }

    var version: String? { self.root["openapi"] as? String }

    var operations: [Operation] {
        let paths = self.root["paths"] as? [String: Any] ?? [:]
        var result: [Operation] = []
        for (path, item) in paths {
            for (method, value) in item as? [String: Any] ?? [:] {
                guard let operation = value as? [String: Any] else { continue }
                let parameters = (operation["parameters"] as? [Any] ?? []).compactMap { self.parameter($0) }
                var body: (String, String?)?
                if let requestBody = operation["requestBody"] as? [String: Any],
                   let content = requestBody["content"] as? [String: Any], let (mediaType, media) = content.first {
                    let schema = ((media as? [String: Any])?["schema"] as? [String: Any])?["$ref"] as? String
                    body = (mediaType, schema.map { String($0.split(separator: "/").last!) })
                }
                let statuses = Set((operation["responses"] as? [String: Any] ?? [:]).keys)
                result.append(Operation(method: method, path: path, parameters: parameters, body: body, statuses: statuses))
            }
        }
        return result.sorted { ($0.path, $0.method) < ($1.path, $1.method) }
    }

    private func parameter(_ value: Any) -> Parameter? {
        var object = value as? [String: Any] ?? [:]
        if let reference = object["$ref"] as? String {
            let name = String(reference.split(separator: "/").last!)
            object = ((self.root["components"] as? [String: Any])?["parameters"] as? [String: Any])?[name] as? [String: Any] ?? [:]
        }
        guard let name = object["name"] as? String, let location = object["in"] as? String else { return nil }
        return Parameter(name: name, location: location, required: object["required"] as? Bool ?? false)
    }
}
