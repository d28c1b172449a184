/// Where an IAM Identity Center session is: its start URL and region, and how its two
/// services are reached. From `[sso-session NAME]`, or from a legacy profile's own
/// `sso_start_url` / `sso_region`.
public struct SSOSession: Sendable, Equatable {
    /// The `[sso-session]` name; nil for a legacy profile (which cannot refresh its token).
    public var name: String?
    public var startURL: String
    public var region: String
    /// `sso_registration_scopes`, as configured (nil when not set).
    public var scopes: [String]?
    /// `https://oidc.<region>.amazonaws.com`, or the configured override.
    public var oidcURL: String
    /// `https://portal.sso.<region>.amazonaws.com`, or the configured override.
    public var portalURL: String
    public var caBundlePath: String?
    public var maxAttempts: Int

    /// What the token cache file is named after (botocore's `_generate_cache_key`): the
    /// session's name, else the start URL exactly as configured.
    public var tokenCacheKey: String { name ?? startURL }

    /// For messages: `the SSO session 'my-sso'`.
    public var description: String {
        name.map { "the SSO session '\($0)'" } ?? "the SSO session of \(startURL)"
    }
}

/// The role credentials of one account and permission set, through a session.
public struct SSOSource: Sendable, Equatable {
    public var profile: String
    public var session: SSOSession
    public var accountID: String
    public var roleName: String

    /// For `cache list`, labels and `doctor`.
    public var roleDescription: String { "\(roleName) in account \(accountID) (SSO)" }
}
