import Glibc

/// The terminal's settings while a prompt has echo off, for the signal handler that must
/// put them back before the process dies (a shell left without echo is the classic bug).
nonisolated(unsafe) private var echoOffTerminal: Int32 = -1
nonisolated(unsafe) private var echoOffSavedSettings = termios()

private func restoreEchoAndDie(_ signal: Int32) {
    if echoOffTerminal >= 0 { tcsetattr(echoOffTerminal, TCSAFLUSH, &echoOffSavedSettings) }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// Ctrl-Z at a secret prompt: the shell gets its terminal back with echo on (a shell such as
/// dash does not reset it, and the next command typed would be invisible), and `fg` turns
/// echo off again before the secret is typed. Only async-signal-safe calls.
private func restoreEchoAndStop(_ signal: Int32) {
    let terminal = echoOffTerminal
    if terminal >= 0 { tcsetattr(terminal, TCSAFLUSH, &echoOffSavedSettings) }
    var stopAction = sigaction()
    stopAction.__sigaction_handler.sa_handler = SIG_DFL
    sigemptyset(&stopAction.sa_mask)
    sigaction(SIGTSTP, &stopAction, nil)
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGTSTP)
    sigprocmask(SIG_UNBLOCK, &unblock, nil)
    raise(SIGTSTP)
    // Continued (`fg`): back to this handler and to echo off.
    var again = sigaction()
    again.__sigaction_handler.sa_handler = restoreEchoAndStop
    sigemptyset(&again.sa_mask)
    sigaction(SIGTSTP, &again, nil)
    if terminal >= 0 && echoOffTerminal == terminal {
        var quiet = echoOffSavedSettings
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(terminal, TCSAFLUSH, &quiet)
    }
}

/// One line asked for and read on `/dev/tty`, which the SDKs do not capture. With `echo`
/// off (secrets, MFA codes) the typed text is not shown, and the terminal's settings are
/// restored on every way out: the answer, a time-out, and SIGINT/SIGTERM/SIGHUP/SIGQUIT,
/// and while the process is stopped by Ctrl-Z.
enum TerminalPrompt {
    static func ask(_ prompt: String, echo: Bool = true, timeLimit: Double,
                    unavailable: STSProcError) throws(STSProcError) -> String {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { throw unavailable }
        defer { close(terminal) }
        // In a background job the typed text would go to the shell (and its history),
        // and under `stty tostop` the prompt itself would stop the process.
        guard tcgetpgrp(terminal) == getpgrp() else { throw unavailable }
        _ = prompt.withCString { write(terminal, $0, strlen($0)) }
        var restore: (() -> Void)?
        if !echo { restore = turnOffEcho(terminal) }
        defer {
            restore?()
            if !echo { _ = "\n".withCString { write(terminal, $0, 1) } }
        }
        var line: [UInt8] = []
        let end = MonotonicClock.now() + RunDeadline.limit(timeLimit)
        while line.count < 4096 {
            let remaining = end - MonotonicClock.now()
            guard remaining > 0 else {
                if RunDeadline.isPast { throw RunDeadline.reached(waitingFor: "an answer on the terminal") }
                throw STSProcError(.configuration, failure: "nothing was entered",
                                   reason: "nothing was typed within \(Int(timeLimit)) s", remedy: "Run the command again")
            }
            var descriptor = pollfd(fd: terminal, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining, 60) * 1000))
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            var byte: UInt8 = 0
            let count = read(terminal, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self).trimmingWhitespace()
    }

    /// Echo off until the returned closure runs (or a fatal signal arrives).
    private static func turnOffEcho(_ terminal: Int32) -> () -> Void {
        var settings = termios()
        guard tcgetattr(terminal, &settings) == 0 else { return {} }
        echoOffSavedSettings = settings
        echoOffTerminal = terminal
        let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP]
        var previous: [sigaction] = []
        for number in signals {
            var action = sigaction()
            if number == SIGTSTP {
                action.__sigaction_handler.sa_handler = restoreEchoAndStop
            } else {
                action.__sigaction_handler.sa_handler = restoreEchoAndDie
            }
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(number, &action, &old)
            previous.append(old)
        }
        var quiet = settings
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(terminal, TCSAFLUSH, &quiet)
        return {
            var saved = echoOffSavedSettings
            tcsetattr(terminal, TCSAFLUSH, &saved)
            echoOffTerminal = -1
            for (number, old) in zip(signals, previous) {
                var restored = old
                sigaction(number, &restored, nil)
            }
        }
    }
}
