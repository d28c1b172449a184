/// A set of AWS credentials. `description` never shows the secret parts, so an
/// accidental interpolation into a message or log cannot leak them.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    /// Absent for long-term keys.
    public var expiration: UTCTime?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: UTCTime? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// Temporary credentials must send their token as `X-Amz-Security-Token`.
    public var isTemporary: Bool { sessionToken != nil }

    /// `****WXYZ`, as aws-vault shows keys: enough to tell keys apart, useless to an attacker.
    public var redactedAccessKeyID: String { "****" + String(accessKeyID.suffix(4)) }

    public var description: String {
        "AWSCredentials(\(redactedAccessKeyID), temporary: \(isTemporary), expires: \(expiration?.iso8601 ?? "never"))"
    }
}
