/// Credentials as lines a shell evaluates (`eval "$(sts-proc env --profile p)"`): the
/// variables every SDK reads, each value quoted for the shell that will read it. Variables
/// the credentials do not fill (no session token for long-term keys) are unset, so an older
/// token left in the shell cannot pair with new keys.
public enum EnvironmentExport {
    public enum Format: String, CaseIterable, Sendable {
        case sh, fish, powershell, dotenv, json
    }

    /// `region`: the profile's own region, set as AWS_REGION and AWS_DEFAULT_REGION so the
    /// shell's commands need no other configuration; without one, a region already set in
    /// the shell is left alone (never unset).
    public static func render(_ credentials: AWSCredentials, format: Format, region: String? = nil) -> String {
        var values: [(String, String?)] = [
            ("AWS_ACCESS_KEY_ID", credentials.accessKeyID),
            ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey),
            ("AWS_SESSION_TOKEN", credentials.sessionToken),
            ("AWS_CREDENTIAL_EXPIRATION", credentials.expiration?.iso8601),
        ]
        if let region { values += [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)] }
        if format == .json {
            let fields = values.compactMap { name, value in value.map { "\(CredentialDocument.quoted(name)):\(CredentialDocument.quoted($0))" } }
            return "{" + fields.joined(separator: ",") + "}"
        }
        return values.compactMap { name, value in line(name, value, format: format) }.joined(separator: "\n")
    }

    private static func line(_ name: String, _ value: String?, format: Format) -> String? {
        switch (format, value) {
        case (.sh, let value?): return "export \(name)=\(singleQuotedPOSIX(value))"
        case (.sh, nil): return "unset \(name)"
        case (.fish, let value?): return "set -gx \(name) \(singleQuotedFish(value))"
        case (.fish, nil): return "set -e \(name)"
        case (.powershell, let value?): return "$Env:\(name) = \(singleQuotedPowerShell(value))"
        case (.powershell, nil): return "Remove-Item Env:\(name) -ErrorAction SilentlyContinue"
        case (.dotenv, let value?): return "\(name)=\(doubleQuotedDotenv(value))"
        case (.dotenv, nil), (.json, _): return nil
        }
    }

    // Every escape below works on Unicode scalars, never on Swift `Character`s: a quote
    // followed by a combining mark (U+0301) is one Character that compares unequal to "'",
    // yet the shell sees a plain quote byte and ends the string there.

    /// POSIX sh: inside '…' nothing is special; a ' ends, is escaped, and reopens.
    static func singleQuotedPOSIX(_ value: String) -> String {
        "'" + escaping(value) { $0 == "'" ? "'\\''" : nil } + "'"
    }

    /// fish: inside '…' only \\ and \' are escapes.
    static func singleQuotedFish(_ value: String) -> String {
        "'" + escaping(value) { $0 == "\\" || $0 == "'" ? "\\\($0)" : nil } + "'"
    }

    /// PowerShell: inside '…' a quote is written twice, and PowerShell takes the typographic
    /// single quotes ‘ ’ ‚ ‛ for quotes too.
    static func singleQuotedPowerShell(_ value: String) -> String {
        "'" + escaping(value) { powerShellQuotes.contains($0) ? "\($0)\($0)" : nil } + "'"
    }

    private static let powerShellQuotes: Set<Unicode.Scalar> = ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"]

    /// dotenv (docker compose, python-dotenv): "…" with \\, \" and $ escaped.
    static func doubleQuotedDotenv(_ value: String) -> String {
        "\"" + escaping(value) { $0 == "\\" || $0 == "\"" || $0 == "$" ? "\\\($0)" : nil } + "\""
    }

    /// `value` with each scalar for which `replacement` answers a text replaced by it.
    private static func escaping(_ value: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if let text = replacement(scalar) { out.append(contentsOf: text.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }
}
