/// One row of `sts-proc list`: what a profile does, as far as the files and the keyring's
/// item attributes tell (no STS call, no secret).
public struct ProfileSummary: Sendable, Equatable, Encodable {
    public var profile: String
    /// `AssumeRole`, `SAML`, `web identity`, `SSO`, `credential process`, `static keys`
    /// (and `+ MFA`), or `invalid` when sts-proc cannot plan it.
    public var flow: String
    public var role: String?
    /// Where the first credentials come from, in a few words.
    public var source: String?
    /// The profile sts-proc serves when this profile's credential_process runs it.
    public var stsProcProfile: String?
    /// `credentials file`, `config file`, `keyring`, or `none` for the chain's long-term keys.
    public var keys: String?
    /// The cached credential's expiry (the latest, from item attributes) and seconds left.
    public var cacheExpiration: String?
    public var cacheSecondsLeft: Int64?
    /// The configuration error that makes the flow `invalid` (`doctor` explains more).
    public var error: String?

    public var runsSTSProc: Bool { stsProcProfile != nil }

    enum CodingKeys: String, CodingKey {
        case profile, flow, role, source, stsProcProfile, keys, cacheExpiration, cacheSecondsLeft, error
    }

    public func encode(to encoder: any Encoder) throws {
        // Every key always present (null when empty), so scripts need not test for it.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(profile, forKey: .profile)
        try container.encode(flow, forKey: .flow)
        try container.encode(role, forKey: .role)
        try container.encode(source, forKey: .source)
        try container.encode(stsProcProfile, forKey: .stsProcProfile)
        try container.encode(keys, forKey: .keys)
        try container.encode(cacheExpiration, forKey: .cacheExpiration)
        try container.encode(cacheSecondsLeft, forKey: .cacheSecondsLeft)
        try container.encode(error, forKey: .error)
    }

    /// The cache column in words: `42 min left`, `expired`, or `-`.
    public var cacheState: String {
        guard let left = cacheSecondsLeft else { return "-" }
        return left > 0 ? "\(left / 60) min left" : "expired"
    }
}

/// A keyring item as `list` sees it: attributes only.
struct KeyringItemSummary: Sendable, Equatable {
    var profile: String
    var isAccessKey: Bool
    var expiration: UTCTime?
}
