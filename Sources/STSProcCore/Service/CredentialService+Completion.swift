/// Names for shell completion, read from the same files every command reads.
public enum CompletionNames: Sendable {
    /// Every profile of the config and credentials files (`--profile`).
    case profiles
    /// `[sso-session NAME]` sections (`--sso-session`).
    case ssoSessions
    /// The credentials file's sections, which `write --to` replaces.
    case credentialsSections
}

extension CredentialService {
    /// The names that start with `prefix`, sorted; none when a file cannot be read or
    /// parsed: a completion must never print an error into the user's command line.
    public func completionNames(_ kind: CompletionNames, prefix: String) -> [String] {
        guard let config = try? SharedConfig.load(environment: environment) else { return [] }
        let names: [String]
        switch kind {
        case .profiles: names = Array(config.profiles.keys)
        case .ssoSessions: names = Array(config.ssoSessions.keys)
        case .credentialsSections: names = Array(config.credentialsFileProfiles.keys)
        }
        // A name the shell would split or that starts an option cannot be offered as one word.
        return names.filter { $0.hasPrefix(prefix) && !$0.isEmpty && !$0.hasPrefix("-")
            && !$0.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) }.sorted()
    }
}
