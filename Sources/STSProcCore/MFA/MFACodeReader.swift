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
                if RunDeadline.isPast { throw RunDeadline.reached(waitingFor: "mfa_process \(ShellWords.programName(command))") }
                throw STSProcError(.configuration, failure: "mfa_process failed", reason: error.reason,
                                   remedy: "Run the command yourself to see what it needs")
            }
        case .terminal:
            origin = "the terminal"
            code = try TerminalPrompt.ask("MFA code for \(mfa.serialNumber): ", echo: false, timeLimit: promptTimeLimit,
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
