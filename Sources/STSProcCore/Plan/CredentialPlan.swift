/// Where the first credentials of a chain come from.
public enum SourceCredentials: Sendable, Equatable {
    /// `aws_access_key_id` / `aws_secret_access_key` (and maybe `aws_session_token`) of a profile.
    case staticKeys(AWSCredentials, profile: String)
    /// `credential_source = Environment`: the `AWS_ACCESS_KEY_ID` family, read when the plan was made.
    case environment(AWSCredentials)

    var credentials: AWSCredentials {
        switch self {
        case .staticKeys(let credentials, _), .environment(let credentials): return credentials
        }
    }

    /// Where these come from, in words, for `doctor` and error messages.
    var origin: String {
        switch self {
        case .staticKeys(_, let profile): return "static keys of profile \(profile)"
        case .environment: return "AWS_ACCESS_KEY_ID in the environment"
        }
    }
}

/// One AssumeRole in a chain, with the profile whose settings it came from.
public struct RoleStep: Sendable, Equatable {
    public var profile: String
    public var parameters: AssumeRoleParameters
    /// False when the session name is the `sts-proc-<unix time>` default, which must not
    /// make every run's cache key different.
    public var hasExplicitSessionName: Bool
}

/// How the keyring cache treats this plan (`sts_proc_cache`, `sts_proc_min_ttl`).
public struct CachePolicy: Sendable, Equatable {
    /// SDKs call credential_process again on every request once less than 900 s are left,
    /// so a cached credential must have more than that to be worth serving.
    public static let defaultMinimumTTL = 960

    public var isEnabled: Bool
    /// Seconds of life a cached credential must still have to be served.
    public var minimumTTL: Int

    public init(isEnabled: Bool = true, minimumTTL: Int = CachePolicy.defaultMinimumTTL) {
        self.isEnabled = isEnabled
        self.minimumTTL = minimumTTL
    }
}

/// Everything needed to obtain the credentials of one profile, decided before any request.
///
/// A plan is a source of credentials plus zero or more roles assumed in order: the first
/// role with the source credentials, each next one with the previous role's credentials.
/// The later flows (web identity, SAML, MFA sessions) extend the source side.
public struct CredentialPlan: Sendable, Equatable {
    public var profile: String
    public var source: SourceCredentials
    /// In the order they are assumed.
    public var roles: [RoleStep]
    public var endpoint: STSEndpoint
    public var caBundlePath: String?
    public var maxAttempts: Int
    public var cachePolicy: CachePolicy
}
