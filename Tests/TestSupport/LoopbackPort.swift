#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that no one listens on: the kernel's pick for port 0, released
/// again (a random guess collided with a test cluster's port).
public enum LoopbackPort {
    public static func free() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LoopbackPortError(call: "socket") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw LoopbackPortError(call: "bind") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw LoopbackPortError(call: "getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A socket call that failed while picking a port.
public struct LoopbackPortError: Error, CustomStringConvertible {
    public var call: String
    public var description: String { "\(self.call) failed while picking a free loopback port (errno \(errno))" }
}
