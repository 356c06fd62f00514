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
                let parameters = (operation["parameters"] as? [Any] ?? []).flatMap { self.parameters($0) }
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

    /// The query or path parameters one declaration stands for: itself, or for an exploded form
    /// object (`style: form, explode: true`) each property of its `oneOf` branches, required when
    /// every branch requires it.
    private func parameters(_ value: Any) -> [Parameter] {
        var object = value as? [String: Any] ?? [:]
        if let reference = object["$ref"] as? String {
            let name = String(reference.split(separator: "/").last!)
            object = ((self.root["components"] as? [String: Any])?["parameters"] as? [String: Any])?[name] as? [String: Any] ?? [:]
        }
        guard let name = object["name"] as? String, let location = object["in"] as? String else { return [] }
        let schema = object["schema"] as? [String: Any] ?? [:]
        guard object["explode"] as? Bool == true, let branches = schema["oneOf"] as? [[String: Any]] else {
            return [Parameter(name: name, location: location, required: object["required"] as? Bool ?? false)]
        }
        var names: [String] = []
        for branch in branches {
            for property in (branch["properties"] as? [String: Any] ?? [:]).keys.sorted() where !names.contains(property) {
                names.append(property)
            }
        }
        return names.map { property in
            Parameter(name: property, location: location,
                      required: branches.allSatisfy { ($0["required"] as? [String] ?? []).contains(property) })
        }
    }

    /// The `oneOf` branches of an operation's exploded object parameter.
    func objectParameterBranches(method: String, path: String, name: String) -> [[String: Any]] {
        let operation = ((self.root["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any]
        let parameter = (operation?["parameters"] as? [[String: Any]] ?? []).first { $0["name"] as? String == name }
        return (parameter?["schema"] as? [String: Any])?["oneOf"] as? [[String: Any]] ?? []
    }
}
