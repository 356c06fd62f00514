import CLibPQ
import Foundation

/// Where and how to connect: a libpq conninfo string or URI plus the session settings the
/// client pins so text results parse the same everywhere.
public struct ConnectionConfiguration: Sendable, Hashable {
    /// A conninfo string (`host=... dbname=...`) or URI (`postgresql://...`). Empty means
    /// libpq's own defaults and `PG*` environment variables.
    public var conninfo: String
    /// The session `TimeZone`; results of `timestamptz` are printed in it.
    public var timeZone: String
    /// Reported in `pg_stat_activity` unless the conninfo names one.
    public var applicationName: String
    /// Seconds before a connect attempt gives up, unless the conninfo names a timeout.
    public var connectTimeoutSeconds: Int

    public init(
        conninfo: String,
        timeZone: String = "UTC",
        applicationName: String = "salesops",
        connectTimeoutSeconds: Int = 10
    ) {
        self.conninfo = conninfo
        self.timeZone = timeZone
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The configuration the tools use: an explicit URL wins, then `DATABASE_URL`, then
    /// libpq's `PG*` variables (an empty conninfo).
    /// - Parameters:
    ///   - databaseURL: the value of a `--database-url` option, if given.
    ///   - environment: the process environment.
    public static func resolve(databaseURL: String?, environment: [String: String]) -> ConnectionConfiguration {
        if let databaseURL, !databaseURL.isEmpty {
            return ConnectionConfiguration(conninfo: databaseURL)
        }
        if let fromEnvironment = environment["DATABASE_URL"], !fromEnvironment.isEmpty {
            return ConnectionConfiguration(conninfo: fromEnvironment)
        }
        return ConnectionConfiguration(conninfo: "")
    }

    /// The keyword/value pairs handed to `PQconnectdbParams` (with `expand_dbname`).
    ///
    /// Defaults the user may override come before the expanded conninfo; the settings the
    /// client depends on (encoding, time zone, date style) come after it and always win. The
    /// user's own `options` (from the conninfo, else `PGOPTIONS`) are kept, ahead of the
    /// client's, so a `statement_timeout` given there still applies.
    var connectParameters: [(keyword: String, value: String)] {
        let pinned = "-c TimeZone=\(self.timeZone) -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=3"
        let user = Self.userOptions(conninfo: self.conninfo, environment: ProcessInfo.processInfo.environment)
        return [
            ("connect_timeout", String(self.connectTimeoutSeconds)),
            ("fallback_application_name", self.applicationName),
            ("dbname", self.conninfo),
            ("client_encoding", "UTF8"),
            ("options", user.map { $0 + " " + pinned } ?? pinned),
        ]
    }

    /// The `options` the user gave: the conninfo's (key/value or URI form), else `PGOPTIONS`,
    /// as libpq itself would choose them.
    static func userOptions(conninfo: String, environment: [String: String]) -> String? {
        if !conninfo.isEmpty, let parsed = PQconninfoParse(conninfo, nil) {
            defer { PQconninfoFree(parsed) }
            var option = parsed
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == "options", let value = option.pointee.val {
                    let text = String(cString: value)
                    if !text.isEmpty { return text }
                }
                option += 1
            }
        }
        if let fromEnvironment = environment["PGOPTIONS"], !fromEnvironment.isEmpty { return fromEnvironment }
        return nil
    }
}
