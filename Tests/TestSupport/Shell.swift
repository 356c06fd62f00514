import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs programs for the tests and reports what they printed and how they exited.
///
/// Built on `posix_spawn` and `waitpid` rather than `Foundation.Process`, whose
/// `waitUntilExit` can miss a child's exit on Linux and hang the test run.
public enum Shell {
    /// The outcome of a finished process.
    public struct Outcome: Sendable {
        /// The exit code, or 128 + the signal number when a signal ended it.
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// A process failed where the caller needed it to succeed.
    public struct Failure: Error, CustomStringConvertible {
        public var command: String
        public var outcome: Outcome
        public var description: String { "\(self.command) exited \(self.outcome.status): \(self.outcome.stderr)" }

        public init(command: String, outcome: Outcome) {
            self.command = command
            self.outcome = outcome
        }
    }

    /// Runs a program and returns its standard output; throws when it exits non-zero.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outcome = try self.execute(executable, arguments)
        guard outcome.status == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), outcome: outcome)
        }
        return outcome.stdout
    }

    /// Runs a program and returns its exit status and output, whatever the status.
    /// - Parameters:
    ///   - environment: replaces the process environment when given.
    ///   - input: written to the program's standard input.
    public static func execute(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                               input: Data? = nil) throws -> Outcome {
        // Pipes are close-on-exec, and created and handed to the child under one lock, so no
        // other child spawned meanwhile (above all a long-lived postmaster) inherits our ends
        // and holds them open past our child's exit.
        spawnLock.lock()
        var stdinPipe: [Int32] = [0, 0]
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0, pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else {
            spawnLock.unlock()
            throw CocoaError(.fileWriteUnknown)
        }
        for fd in stdinPipe + stdoutPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        for fd in stdinPipe + stdoutPipe + stderrPipe { posix_spawn_file_actions_addclose(&actions, fd) }

        let environmentEntries = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environmentEntries.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(stdinPipe[0])
        close(stdoutPipe[1])
        close(stderrPipe[1])
        spawnLock.unlock()
        guard spawned == 0 else {
            [stdinPipe[1], stdoutPipe[0], stderrPipe[0]].forEach { close($0) }
            throw Failure(command: executable, outcome: Outcome(status: 127, stdout: "", stderr: String(cString: strerror(spawned))))
        }
        let errorReader = FileHandle(fileDescriptor: stderrPipe[0], closeOnDealloc: true)
        let outputReader = FileHandle(fileDescriptor: stdoutPipe[0], closeOnDealloc: true)
        let inputWriter = FileHandle(fileDescriptor: stdinPipe[1], closeOnDealloc: true)
        // Read stderr on another thread so neither pipe fills up and blocks the child.
        let errorData = ReadBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.data = errorReader.readDataToEndOfFile()
            group.leave()
        }
        if let input { inputWriter.write(input) }
        try inputWriter.close()
        let outputData = outputReader.readDataToEndOfFile()
        group.wait()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7F
        let exitCode = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Outcome(status: exitCode, stdout: String(decoding: outputData, as: UTF8.self),
                       stderr: String(decoding: errorData.data, as: UTF8.self))
    }

    private static let spawnLock = NSLock()

    /// Runs `body` (a spawn) under the lock that keeps other spawns from inheriting pipes.
    static func withSpawnLock<Result>(_ body: () -> Result) -> Result {
        spawnLock.lock()
        defer { spawnLock.unlock() }
        return body()
    }

    /// Holds data written by one thread and read by another after a `DispatchGroup.wait()`,
    /// which orders the two; hence `@unchecked Sendable`.
    private final class ReadBox: @unchecked Sendable {
        var data = Data()
    }
}
