import Glibc

/// Gets a one-time code for an MFA device: from `mfa_process`, or by asking on the
/// controlling terminal. The SDKs capture stdout and stderr of credential_process, but
/// `/dev/tty` still reaches the user; where there is no terminal, it fails at once with
/// the remedy instead of waiting for input that cannot come.
enum MFACodeReader {
    /// How long a person gets to type a code.
    static let promptTimeLimit = 300.0

    static func code(for mfa: MFASettings) throws(STSProcError) -> String {
        let code: String
        let origin: String
        switch mfa.codeSource {
        case .process(let command, let timeLimit):
            origin = "mfa_process"
            do {
                code = String(decoding: try ExternalCommand.run(command, timeLimit: timeLimit, outputLimit: 4096),
                              as: UTF8.self).trimmingWhitespace()
            } catch {
                throw STSProcError(.configuration, failure: "mfa_process failed", reason: error.reason,
                                   remedy: "Run the command yourself to see what it needs")
            }
        case .terminal:
            origin = "the terminal"
            code = try TerminalPrompt.ask("MFA code for \(mfa.serialNumber): ", timeLimit: promptTimeLimit,
                                          unavailable: STSProcError(
                                            .configuration, failure: "an MFA code is needed but there is no terminal to ask on",
                                            reason: "profile \(mfa.profile) sets mfa_serial \(mfa.serialNumber) and no mfa_process",
                                            remedy: "Set sts_proc_mfa_process to a command that prints the code, e.g. ykman oath accounts code -s NAME"))
        }
        guard code.utf8.count == 6, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw STSProcError(.configuration, failure: "invalid MFA code",
                               reason: "the code from \(origin) is not six digits",
                               remedy: origin == "mfa_process" ? "Make mfa_process print only the six-digit code"
                                                               : "Type the six digits your device shows")
        }
        return code
    }
}

/// One line asked for and read on `/dev/tty`.
enum TerminalPrompt {
    static func ask(_ prompt: String, timeLimit: Double, unavailable: STSProcError) throws(STSProcError) -> String {
        let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard terminal >= 0 else { throw unavailable }
        defer { close(terminal) }
        // In a background job the typed digits would go to the shell (and its history),
        // and under `stty tostop` the prompt itself would stop the process.
        guard tcgetpgrp(terminal) == getpgrp() else { throw unavailable }
        _ = prompt.withCString { write(terminal, $0, strlen($0)) }
        var line: [UInt8] = []
        let end = MonotonicClock.now() + timeLimit
        while line.count < 256 {
            let remaining = end - MonotonicClock.now()
            guard remaining > 0 else {
                throw STSProcError(.configuration, failure: "no MFA code entered",
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
}
