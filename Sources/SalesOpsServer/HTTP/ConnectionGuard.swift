import HTTPTypes
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Bounds on the server's TCP connections, shared by all of them: at most `total` open at
/// once and `perClient` from one address, and a request head must arrive within `headTimeout`
/// of the connection opening. A flood of idle sockets is closed as it arrives (or after the
/// head timeout) instead of exhausting the process's file descriptors.
public final class ConnectionLimits: Sendable {
    public let total: Int
    public let perClient: Int
    public let headTimeout: TimeAmount
    private let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    public init(total: Int, perClient: Int, headTimeout: TimeAmount) {
        precondition(total >= 1 && perClient >= 1)
        self.total = total
        self.perClient = perClient
        self.headTimeout = headTimeout
    }

    /// Counts a new connection from `address`; false (and nothing counted) when over a bound.
    func admit(_ address: String) -> Bool {
        self.open.withLock { open in
            guard open.total < self.total, open.byAddress[address, default: 0] < self.perClient else { return false }
            open.total += 1
            open.byAddress[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        self.open.withLock { open in
            open.total -= 1
            let left = open.byAddress[address, default: 1] - 1
            open.byAddress[address] = left > 0 ? left : nil
        }
    }

    /// Connections open now.
    public var openConnections: Int { self.open.withLock { $0.total } }
}

/// One connection's guard: closes it at once when over `ConnectionLimits`, or when no request
/// head arrives within the head timeout.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limits: ConnectionLimits
    private var admittedAddress: String?
    private var headTimer: Scheduled<Void>?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard self.limits.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.admittedAddress = address
        let channel = context.channel
        self.headTimer = context.eventLoop.scheduleTask(in: self.limits.headTimeout) {
            channel.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) {
            self.headTimer?.cancel()
            self.headTimer = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.headTimer?.cancel()
        self.headTimer = nil
        if let address = self.admittedAddress {
            self.limits.release(address)
            self.admittedAddress = nil
        }
    }
}
