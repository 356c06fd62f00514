import Foundation
import Hummingbird

/// The request context of the API: Hummingbird's core storage plus the request id.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's id: the client's `X-Request-Id` when it is well formed, else a new one.
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
    }

    /// Bodies decoded into values (JSON) are small; CSV uploads stream and have their own limit.
    public var maxUploadSize: Int { 64 * 1024 }
}

extension APIContext {
    /// A path parameter, percent-decoded once (`new%20york` is `new york`, `a%2Fb` is `a/b`), as
    /// query parameters are: every route reads its path parameters here.
    /// - Throws: a 400 naming the parameter when it is missing, empty, longer than
    ///   `maximumLength` bytes of UTF-8, or not valid percent-encoded UTF-8.
    func pathParameter(_ name: String, maximumLength: Int = 200) throws -> String {
        guard let raw = self.parameters.get(name), let decoded = raw.removingPercentEncoding else {
            throw Problem(.badRequest, "path parameter '\(name)' is not valid percent-encoded UTF-8")
        }
        guard !decoded.isEmpty, decoded.utf8.count <= maximumLength else {
            throw Problem(.badRequest, "path parameter '\(name)' must be 1–\(maximumLength) bytes of UTF-8")
        }
        return decoded
    }
}
