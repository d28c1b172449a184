/// Credentials as lines a shell evaluates (`eval "$(sts-proc env --profile p)"`): the
/// variables every SDK reads, each value quoted for the shell that will read it. Variables
/// the credentials do not fill (no session token for long-term keys) are unset, so an older
/// token left in the shell cannot pair with new keys.
public enum EnvironmentExport {
    public enum Format: String, CaseIterable, Sendable {
        case sh, fish, powershell, dotenv, json
    }

    public static func render(_ credentials: AWSCredentials, format: Format) -> String {
        let values: [(String, String?)] = [
            ("AWS_ACCESS_KEY_ID", credentials.accessKeyID),
            ("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey),
            ("AWS_SESSION_TOKEN", credentials.sessionToken),
            ("AWS_CREDENTIAL_EXPIRATION", credentials.expiration?.iso8601),
        ]
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
        case (.powershell, let value?): return "$Env:\(name) = '\(value.replacingAll("'", with: "''"))'"
        case (.powershell, nil): return "Remove-Item Env:\(name) -ErrorAction SilentlyContinue"
        case (.dotenv, let value?): return "\(name)=\(doubleQuotedDotenv(value))"
        case (.dotenv, nil), (.json, _): return nil
        }
    }

    /// POSIX sh: inside '…' nothing is special; a ' ends, is escaped, and reopens.
    static func singleQuotedPOSIX(_ value: String) -> String {
        "'" + value.replacingAll("'", with: "'\\''") + "'"
    }

    /// fish: inside '…' only \\ and \' are escapes.
    static func singleQuotedFish(_ value: String) -> String {
        "'" + value.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'") + "'"
    }

    /// dotenv (docker compose, python-dotenv): "…" with \\, \" and $ escaped.
    static func doubleQuotedDotenv(_ value: String) -> String {
        "\"" + value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("$", with: "\\$") + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation on this path).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
