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
