import Foundation
import HTTPTypes
import Hummingbird

/// Adds `Server-Timing: app;dur=MILLISECONDS` to every response: the time the server spent
/// on the request up to its response head, so clients and benchmarks can tell server time
/// from network and rendering time.
struct ServerTimingMiddleware: RouterMiddleware {
    typealias Context = APIContext

    static let header = HTTPField.Name("Server-Timing")!

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        var response = try await next(request, context)
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[Self.header] = "app;dur=" + String(format: "%.2f", milliseconds)
        return response
    }
}
