import Glibc

/// Reads a `credential_process` line the way the AWS CLI splits it: which profiles run
/// sts-proc (for `doctor`, and for `write`'s refusal to shadow them) and for which profile.
enum CredentialProcessLine {
    static func callsSTSProc(_ commandLine: String) -> Bool {
        guard let program = ShellWords.split(commandLine)?.first else { return false }
        return program.split(separator: "/").last == "sts-proc"
    }

    /// The `--profile` argument of an sts-proc command line, if any.
    static func targetProfile(_ commandLine: String) -> String? {
        guard let words = ShellWords.split(commandLine) else { return nil }
        for (index, word) in words.enumerated() {
            if word == "--profile", index + 1 < words.count { return words[index + 1] }
            if word.hasPrefix("--profile=") { return String(word.dropFirst("--profile=".count)) }
        }
        return nil
    }

    /// Whether the program of a command line can be run: an executable path, or a name
    /// found on PATH.
    static func programExists(_ commandLine: String, environment: [String: String]) -> Bool {
        guard let program = ShellWords.split(commandLine)?.first else { return false }
        if program.contains("/") { return access(program, X_OK) == 0 }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
