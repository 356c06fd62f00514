import Hummingbird
import Synchronization

/// The API's routes, filled once the routes are registered, for `MethodNotAllowedMiddleware`.
final class RouteIndex: Sendable {
    private let routes = Mutex<[RouteDescription]>([])

    func set(_ routes: [RouteDescription]) {
        self.routes.withLock { $0 = routes }
    }

    /// The methods served at `path` (upper case, HEAD with every GET), empty when no route matches.
    func methods(at path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let methods = self.routes.withLock { routes in
            routes.filter { route in
                let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
                return template.count == segments.count && zip(template, segments).allSatisfy { pattern, segment in
                    (pattern.hasPrefix("{") && pattern.hasSuffix("}") && !segment.isEmpty) || pattern == segment
                }
            }.map { $0.method.uppercased() }
        }
        return Set(methods + (methods.contains("GET") ? ["HEAD"] : [])).sorted()
    }
}

/// Answers a request for a known path with a method it does not serve with 405 and `Allow`
/// (RFC 9110 §15.5.6), instead of the 404 of an unknown path.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let index: RouteIndex

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let allowed = self.index.methods(at: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        var problem = Problem(.methodNotAllowed, "\(request.method.rawValue) is not served at \(request.uri.path); allowed: "
                              + allowed.joined(separator: ", "))
        problem.allow = allowed.joined(separator: ", ")
        throw problem
    }
}
