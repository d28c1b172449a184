internal import CLibSecret

/// The file names botocore and the AWS CLI v2 give the token and registration caches, so
/// that sts-proc and they share one session.
enum SSOCacheNames {
    /// `sha1(session name or start URL).json`.
    static func tokenFile(for session: SSOSession) -> String? {
        sha1Hex(session.tokenCacheKey).map { $0 + ".json" }
    }

    /// `sha1(json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True)).json`,
    /// the CLI v2's `_registration_cache_key`.
    static func registrationFile(for session: SSOSession) -> String? {
        sha1Hex(registrationKey(for: session)).map { $0 + ".json" }
    }

    /// Python's `json.dumps(…, sort_keys=True)` text of the registration's identity.
    static func registrationKey(for session: SSOSession) -> String {
        let scopes = session.scopes.map { "[" + $0.map(PythonJSON.string).joined(separator: ", ") + "]" } ?? "null"
        return "{\"region\": \(PythonJSON.string(session.region)), \"scopes\": \(scopes), "
            + "\"session_name\": \(session.name.map(PythonJSON.string) ?? "null"), "
            + "\"startUrl\": \(PythonJSON.string(session.startURL)), \"tool\": \"botocore\"}"
    }

    /// Lower-case hex SHA-1, by GLib (loaded with libsecret); nil when it cannot be loaded.
    static func sha1Hex(_ text: String) -> String? {
        guard stsproc_secret_available() != 0, let hex = stsproc_sha1_hex(text) else { return nil }
        defer { stsproc_free(hex) }
        return String(cString: hex)
    }
}

/// Python's `json.dumps` of one string with its defaults (`ensure_ascii=True`).
enum PythonJSON {
    static func string(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
