import HTTPTypes
import Hummingbird

/// Headers every response carries: no page of the server may be framed by another site
/// (`X-Frame-Options: DENY`, for browsers that ignore CSP's `frame-ancestors`), and no body is
/// sniffed as another type than it says (`X-Content-Type-Options: nosniff`).
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
