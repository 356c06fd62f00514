import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started in the background, for tests that signal, kill or race processes.
///
/// Its output goes to files (read after it exits), so a chatty child never blocks on a full
/// pipe. A process still running when the handle goes away is killed and reaped.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    private let outputPath: String
    private let errorPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("salesops-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.outputPath = folder.appendingPathComponent("stdout").path
        self.errorPath = folder.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, self.errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = Shell.withSpawnLock { posix_spawn(&pid, executable, &actions, nil, argv, envp) }
        guard spawned == 0 else {
            throw Shell.Failure(command: executable, outcome: Shell.Outcome(status: 127, stdout: "", stderr: String(cString: strerror(spawned))))
        }
        self.pid = pid
    }

    deinit {
        if self.poll() == nil {
            kill(self.pid, SIGKILL)
            _ = self.wait()
        }
    }

    /// Sends `signal` (e.g. `SIGTERM`, `SIGKILL`).
    public func send(_ signal: Int32) {
        kill(self.pid, signal)
    }

    /// The exit status if the process has ended (128 + signal when a signal ended it), else nil.
    public func poll() -> Int32? {
        self.reap(options: WNOHANG)
    }

    /// Waits for the process to end and returns its outcome.
    @discardableResult
    public func wait() -> Shell.Outcome {
        let status = self.reap(options: 0) ?? -1
        return Shell.Outcome(status: status, stdout: Self.read(self.outputPath), stderr: Self.read(self.errorPath))
    }

    /// Waits up to `timeout` for the process to end; nil if it is still running then.
    public func wait(timeout: Duration) -> Shell.Outcome? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if self.poll() != nil { return self.wait() }
            usleep(20_000)
        }
        return nil
    }

    /// What the process has written to stderr so far.
    public var standardError: String { Self.read(self.errorPath) }

    private func reap(options: Int32) -> Int32? {
        self.lock.lock()
        defer { self.lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(self.pid, &status, options) } while result == -1 && errno == EINTR
        guard result == self.pid else { return nil }
        let signal = status & 0x7F
        self.exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return self.exitStatus
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
