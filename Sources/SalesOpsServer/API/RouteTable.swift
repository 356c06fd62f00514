import Hummingbird

/// A served route as the OpenAPI document names it (`/v1/teams/{external_id}`).
public struct RouteDescription: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(self.method) \(self.path)" }

    public static func < (lhs: RouteDescription, rhs: RouteDescription) -> Bool {
        (lhs.path, lhs.method) < (rhs.path, rhs.method)
    }
}

/// Registers routes on a router and records each one, so tests can compare what is served
/// with the OpenAPI document.
struct RouteTable {
    let router: Router<APIContext>
    private(set) var routes: [RouteDescription] = []

    init(router: Router<APIContext>) {
        self.router = router
    }

    /// Adds a route; `path` uses OpenAPI's `{name}` for parameters.
    mutating func add(_ method: HTTPRequest.Method, _ path: String,
                      _ handler: @escaping @Sendable (Request, APIContext) async throws -> Response) {
        self.routes.append(RouteDescription(method: method.rawValue.lowercased(), path: path))
        let routerPath = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
        self.router.on(RouterPath(routerPath), method: method, use: handler)
    }
}
