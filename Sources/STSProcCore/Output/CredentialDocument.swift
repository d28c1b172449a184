/// The credential_process output document (version 1), written by hand: five fields,
/// fixed order, and no Foundation on the path that every SDK process runs.
public enum CredentialDocument {
    public static func json(_ credentials: AWSCredentials) -> String {
        var fields: [(String, String)] = [
            ("AccessKeyId", quoted(credentials.accessKeyID)),
            ("SecretAccessKey", quoted(credentials.secretAccessKey)),
        ]
        if let token = credentials.sessionToken { fields.append(("SessionToken", quoted(token))) }
        if let expiration = credentials.expiration { fields.append(("Expiration", quoted(expiration.iso8601))) }
        return "{\"Version\":1," + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 escaping).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
