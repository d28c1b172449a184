/// Whether a credential can be used, printed and written safely.
///
/// Credentials arrive from STS, metadata endpoints, the keyring, the environment and the
/// shared files, and leave through a JSON document, shell assignments and the credentials
/// file. A value holding a line break, a space, a quote or anything outside printable
/// ASCII could add sections to the credentials file or end a quoted string in the user's
/// shell, and no real AWS credential holds one: access key IDs are `[A-Za-z0-9_]` (IAM's
/// `[\w]+`), secrets and session tokens are base64-like text. So every credential is
/// checked against those alphabets where it arrives and again before it is output.
public enum CredentialCheck {
    /// Why `credentials` cannot be used, naming the field but never showing its value; nil
    /// when they are usable.
    public static func problem(_ credentials: AWSCredentials) -> String? {
        if let problem = problem(credentials.accessKeyID, field: "access key ID", maximumLength: 128,
                                 allowed: isKeyIDCharacter) { return problem }
        if let problem = problem(credentials.secretAccessKey, field: "secret access key", maximumLength: 1024,
                                 allowed: isTokenCharacter) { return problem }
        if let token = credentials.sessionToken,
           let problem = problem(token, field: "session token", maximumLength: 16_384, allowed: isTokenCharacter) {
            return problem
        }
        if let expiration = credentials.expiration, !plausibleExpirations.contains(expiration.secondsSinceEpoch) {
            return "its expiration (\(expiration.iso8601)) is not a real time"
        }
        return nil
    }

    /// The check before output (`credentials`, `env`, `write`): the last line of defence, for
    /// a value that slipped past the check where it arrived.
    public static func requireUsable(_ credentials: AWSCredentials, profile: String) throws(STSProcError) {
        guard let problem = problem(credentials) else { return }
        throw STSProcError(.unavailable, profile: profile, failure: "refusing to output an unusable credential",
                           reason: problem, remedy: "Run again with --refresh; if it persists, check the profile's endpoint")
    }

    /// 2000-01-01 to 9999-12-31: anything else is no expiry STS would send.
    private static let plausibleExpirations: ClosedRange<Int64> = 946_684_800...253_402_300_799

    private static func problem(_ value: String, field: String, maximumLength: Int,
                                allowed: (UInt8) -> Bool) -> String? {
        let bytes = value.utf8
        if bytes.isEmpty { return "its \(field) is empty" }
        if bytes.count > maximumLength { return "its \(field) is longer than \(maximumLength) characters" }
        guard let bad = bytes.first(where: { !allowed($0) }) else { return nil }
        return "its \(field) holds \(describe(bad)), which no AWS credential contains"
    }

    private static func isKeyIDCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }

    /// Printable ASCII without space, quotes and backslash.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && byte != 0x22 && byte != 0x27 && byte != 0x5C && byte != 0x60
    }

    private static func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x0A, 0x0D: return "a line break"
        case 0x20, 0x09: return "white space"
        case 0x22, 0x27, 0x60: return "a quote"
        case 0x5C: return "a backslash"
        case 0x80...: return "a character outside ASCII"
        default: return "a control or punctuation character"
        }
    }
}
