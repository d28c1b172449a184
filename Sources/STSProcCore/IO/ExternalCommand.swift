import Glibc

/// Runs a user-configured command (`web_identity_token_process`, `saml_assertion_process`,
/// `mfa_process`) the way the AWS CLI runs `credential_process`: split into words like
/// Python's shlex, no shell, inherited environment. Its stdout is the result. It may not
/// run longer than a time limit nor print more than a size limit, and its stdin is
/// /dev/null so it can never wait on the SDK's own input.
enum ExternalCommand {
    struct Failure: Error, Equatable {
        /// What went wrong, in words, including the last line the command wrote on stderr.
        var reason: String
    }

    static func run(_ commandLine: String, timeLimit requested: Double, outputLimit: Int = 1 << 20) throws(Failure) -> [UInt8] {
        let timeLimit = RunDeadline.limit(requested)
        guard let words = ShellWords.split(commandLine), let program = words.first else {
            throw Failure(reason: "the command line is empty or has an unclosed quote")
        }
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard makePipe(&stdoutPipe) else { throw Failure(reason: "cannot create a pipe") }
        guard makePipe(&stderrPipe) else {
            close(stdoutPipe[0]); close(stdoutPipe[1])
            throw Failure(reason: "cannot create a pipe")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a time-out ends whatever it started too.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        close(stdoutPipe[1])
        close(stderrPipe[1])
        defer { close(stdoutPipe[0]); close(stderrPipe[0]) }
        guard spawned == 0 else {
            throw Failure(reason: "cannot start \(program): \(String(cString: strerror(spawned)))")
        }

        let started = MonotonicClock.now()
        var collected = collect(stdout: stdoutPipe[0], stderr: stderrPipe[0], timeLimit: timeLimit, outputLimit: outputLimit)
        if collected.stoppedEarly { kill(-pid, SIGKILL) }
        // A command may close its output and linger (a helper refreshing its own cache):
        // it gets what is left of the time limit to exit, then it is stopped too.
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if reaped == 0 && MonotonicClock.now() - started > timeLimit {
                kill(-pid, SIGKILL)
                collected.timedOut = true
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                break
            }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }

        if collected.timedOut {
            throw Failure(reason: "\(program) did not finish within \(Int(timeLimit)) s and was stopped")
        }
        if collected.overflowed {
            throw Failure(reason: "\(program) printed more than \(outputLimit >> 10) KiB")
        }
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            let how = exited ? "exited with status \(code)" : "was killed by signal \(status & 0x7f)"
            let said = lastLine(collected.stderr)
            throw Failure(reason: "\(program) \(how)" + (said.isEmpty ? "" : ": \(said)"))
        }
        return collected.stdout
    }

    /// A pipe whose ends are closed in the child (dup2 gives it clean copies of the write ends).
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return true
    }

    private struct Collected {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var timedOut = false
        var overflowed = false
        var stoppedEarly: Bool { timedOut || overflowed }
    }

    /// Reads both pipes until both close, the time runs out, or stdout overflows.
    private static func collect(stdout: Int32, stderr: Int32, timeLimit: Double, outputLimit: Int) -> Collected {
        var result = Collected()
        var open: [Int32] = [stdout, stderr]
        let start = MonotonicClock.now()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !open.isEmpty {
            let remaining = timeLimit - (MonotonicClock.now() - start)
            guard remaining > 0 else { result.timedOut = true; return result }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 60_000)) + 1)
            if ready < 0 {
                if errno == EINTR { continue }
                result.timedOut = true  // cannot watch the pipes: stop the command rather than wait blind
                return result
            }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(entry.fd, $0.baseAddress, $0.count) }
                if count <= 0 {
                    if count < 0 && errno == EINTR { continue }
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == stdout {
                    result.stdout.append(contentsOf: buffer[..<count])
                    if result.stdout.count > outputLimit { result.overflowed = true; return result }
                } else {
                    // Keep only the tail: the last line is what gets reported.
                    result.stderr.append(contentsOf: buffer[..<count])
                    if result.stderr.count > 8192 { result.stderr.removeFirst(result.stderr.count - 8192) }
                }
            }
        }
        return result
    }

    /// The last non-empty line of a command's stderr, shortened, for the error message.
    private static func lastLine(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).last.map { $0.trimmingWhitespace() } ?? ""
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
