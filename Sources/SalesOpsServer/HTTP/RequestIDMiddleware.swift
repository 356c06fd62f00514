import Foundation
import HTTPTypes
import Hummingbird

/// Gives every request an id — the client's `X-Request-Id` when it is 1–128 characters of
/// letters, digits, `-`, `_` and `.`, else a new UUID — puts it on every log line of the
/// request and on the response, errors included.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = APIContext

    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[Self.header].flatMap { Self.isWellFormed($0) ? $0 : nil } ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Problem.from(error, logger: context.logger).response(path: request.uri.path, requestID: id)
        }
        response.headers[Self.header] = id
        return response
    }

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }
}

/// Turns every error of the routes into a problem+json response (inside the metrics
/// middleware, so errors are counted by their status).
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error, logger: context.logger)
            if problem.status.code >= 500 {
                context.logger.warning("request refused", metadata: ["status": "\(problem.status.code)"])
            }
            return problem.response(path: request.uri.path, requestID: context.requestID)
        }
    }
}
