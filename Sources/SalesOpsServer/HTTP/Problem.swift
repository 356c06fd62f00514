import Foundation
import Hummingbird
import Logging
import PostgresClient
import SalesOps

/// An error answered as RFC 9457 `application/problem+json`. Its text is written for the
/// client: it never carries SQL, a stack trace or a secret.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String?
    /// Seconds a client should wait before retrying (503).
    public var retryAfter: Int?
    /// The rows of a rejected CSV (422), each naming line, column and value.
    public var errors: [ImportProblem]?
    /// The methods a path serves (405's `Allow`).
    public var allow: String?

    public init(_ status: HTTPResponse.Status, _ detail: String? = nil, retryAfter: Int? = nil, errors: [ImportProblem]? = nil) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.retryAfter = retryAfter
        self.errors = errors
    }

    private struct Body: Encodable {
        var type = "about:blank"
        var title: String
        var status: Int
        var detail: String?
        var instance: String?
        var requestId: String?
        var errors: [ImportProblem]?
        var totalErrors: Int?

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, instance, errors
            case requestId = "request_id"
            case totalErrors = "total_errors"
        }
    }

    /// The response, with the request's id in the body (the header is set by `RequestIDMiddleware`).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response(path: request.uri.path, requestID: (context as? APIContext)?.requestID)
    }

    func response(path: String, requestID: String?) -> Response {
        let body = Body(title: self.title, status: Int(self.status.code), detail: self.detail, instance: path,
                        requestId: requestID, errors: self.errors, totalErrors: self.errors?.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data("{\"status\":\(self.status.code)}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow { headers[.allow] = allow }
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The route that lists the names an unknown one was compared with.
    static func lookIn(_ listing: UnknownName.Listing) -> String {
        switch listing {
        case .metrics, .dimensions: "GET /v1/catalogue lists the metrics"
        case .stages: "GET /v1/stage-metrics lists the stages of a period"
        case .teams: "GET /v1/teams lists them"
        case .reps: "GET /v1/reps lists them"
        }
    }

    /// The problem a failure of a handler answers with (SPEC §8.6). Errors the client did
    /// not cause are logged with everything and answered without their text.
    static func from(_ error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ImportFailure:
            return Problem(.unprocessableContent, "the CSV was rejected; nothing was written", errors: failure.problems)
        case let error as PeriodNotMaterialized:
            return Problem(.notFound, error.tenantMessage(runs: "GET /v1/scheduler/runs"))
        case let error as UnknownName:
            return Problem(error.isMissingEntity ? .notFound : .badRequest, error.message(lookIn: Self.lookIn(error.listing)))
        case let error as SalesOpsError:
            switch error {
            case .invalidInput(let message): return Problem(.badRequest, message)
            case .notFound(let message): return Problem(.notFound, message)
            case .conflict(let message): return Problem(.conflict, message)
            case .schemaDrift: break
            }
        case let error as DatabaseExecutorError:
            switch error {
            case .overloaded: return Problem(.serviceUnavailable, "the server is busy; retry shortly", retryAfter: 1)
            case .ownerLimited(let seconds):
                return Problem(.tooManyRequests, "this org has too many requests running or waiting; retry shortly", retryAfter: seconds)
            case .unavailable: return Problem(.serviceUnavailable, "the database is unavailable", retryAfter: 5)
            case .shutDown: return Problem(.serviceUnavailable, "the server is shutting down", retryAfter: 5)
            }
        case let error as TransactionError:
            if let body = error.bodyError { return from(body, logger: logger) }
            if let commit = error.commitError { return from(commit, logger: logger) }
        case let error as PostgresError:
            // The class the CLI exits by (`FailureClass`): data exceptions are bad data on both doors.
            switch FailureClass.of(error) {
            case .unavailable: return Problem(.serviceUnavailable, "the database is unavailable", retryAfter: 5)
            case .temporary: return Problem(.serviceUnavailable, "the request took too long or collided with another; retry shortly", retryAfter: 2)
            case .badValue: return Problem(.badRequest, "a value in the request is out of range or not valid text")
            case .constraintViolation:
                return Problem(.unprocessableContent, "the change breaks a rule of the data (\(error.constraint ?? "constraint"))")
            case .rejectedImport, .invalidInput, .notFound, .conflict, .internalError: break
            }
        case let error as HTTPError:
            return Problem(error.status, error.body)
        default:
            break
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return Problem(.internalServerError, "internal error; the request id identifies it in the server's log")
    }
}
