import Glibc

/// The child `exec` waits for; read by the signal handler.
nonisolated(unsafe) private var forwardedChild: pid_t = 0

/// Passes a signal sent to sts-proc on to the command. Signals from the terminal (Ctrl-C,
/// Ctrl-\, a hang-up) already reach the whole foreground process group, the command
/// included: passing those on would deliver them twice, and a second Ctrl-C makes
/// terraform abandon its state. Only async-signal-safe calls.
private func forwardSignal(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _: UnsafeMutableRawPointer?) {
    if let info, info.pointee.si_code == SI_KERNEL { return }
    if forwardedChild > 0 { kill(forwardedChild, signal) }
}

/// The command `sts-proc exec` runs and waits for (README, "exec").
public enum ChildProcess {
    public static let forwardedSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    public enum SpawnFailure: Error, Equatable {
        /// errno from posix_spawnp: ENOENT (127 in shells) or another (126).
        case cannotStart(program: String, errno: Int32)

        public var exitCode: Int32 {
            if case .cannotStart(_, let code) = self, code == ENOENT { return 127 }
            return 126
        }

        public var explanation: String {
            switch self {
            case .cannotStart(let program, let code):
                return "cannot run \(program): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Starts `arguments` (searched in PATH as a shell does) with `environment`, passes on
    /// the signals sts-proc is sent, and returns its wait status once it has ended.
    public static func run(_ arguments: [String], environment: [String: String]) -> Result<Int32, SpawnFailure> {
        precondition(!arguments.isEmpty)
        installForwarding()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The command starts with every signal at its default and none blocked, whatever
        // sts-proc inherited or set up.
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], nil, &attributes, argv, envp)
        guard result == 0 else { return .failure(.cannotStart(program: arguments[0], errno: result)) }
        forwardedChild = pid
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        forwardedChild = 0
        return .success(status)
    }

    /// Ends sts-proc as the command ended: its exit status, or the same signal.
    public static func exit(like status: Int32) -> Never {
        let signal = status & 0x7f
        guard signal != 0 else { Glibc.exit((status >> 8) & 0xff) }
        for number in forwardedSignals { Glibc.signal(number, SIG_DFL) }
        Glibc.signal(signal, SIG_DFL)
        kill(getpid(), signal)
        Glibc.exit(128 + signal)
    }

    private static func installForwarding() {
        for number in forwardedSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = forwardSignal
            action.sa_flags = SA_SIGINFO | SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
        }
    }
}
