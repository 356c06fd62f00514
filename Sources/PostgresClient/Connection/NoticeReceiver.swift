import CLibPQ
import Logging

/// Receives the server's notices (NOTICE, WARNING, ...) and logs them, instead of libpq's
/// default of printing them to stderr.
final class NoticeReceiver {
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Installs this receiver on a connection. The connection must keep the receiver alive
    /// for as long as the `PGconn` exists.
    func install(on handle: OpaquePointer) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            let receiver = Unmanaged<NoticeReceiver>.fromOpaque(context).takeUnretainedValue()
            receiver.receive(result)
        }, context)
    }

    private func receive(_ result: OpaquePointer) {
        let severity = Self.field(result, CLIBPQ_DIAG_SEVERITY_NONLOCALIZED) ?? "NOTICE"
        let message = Self.field(result, CLIBPQ_DIAG_MESSAGE_PRIMARY) ?? ""
        var metadata: Logger.Metadata = ["severity": "\(severity)"]
        if let code = Self.field(result, CLIBPQ_DIAG_SQLSTATE) { metadata["sqlstate"] = "\(code)" }
        if let detail = Self.field(result, CLIBPQ_DIAG_MESSAGE_DETAIL) { metadata["detail"] = "\(detail)" }
        let level: Logger.Level = severity == "WARNING" ? .warning : .debug
        self.logger.log(level: level, "postgres: \(message)", metadata: metadata)
    }

    static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let pointer = PQresultErrorField(result, code) else { return nil }
        return String(cString: pointer)
    }
}
