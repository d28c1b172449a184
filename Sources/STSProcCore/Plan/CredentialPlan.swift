/// Where the first credentials of a chain come from.
public enum SourceCredentials: Sendable, Equatable {
    /// `aws_access_key_id` / `aws_secret_access_key` (and maybe `aws_session_token`) of a profile.
    case staticKeys(AWSCredentials, profile: String)
    /// `credential_source = Environment`: the `AWS_ACCESS_KEY_ID` family, read when the plan was made.
    case environment(AWSCredentials)
    /// `credential_source = Ec2InstanceMetadata`: the instance profile's credentials.
    case instanceMetadata(InstanceMetadataEndpoint)
    /// `credential_source = EcsContainer`: the task or pod role's credentials.
    case container(ContainerEndpoint)
    /// AssumeRoleWithWebIdentity with an OIDC token read afresh at every fetch.
    case webIdentity(WebIdentitySource)
    /// AssumeRoleWithSAML with an assertion read afresh at every fetch.
    case saml(SAMLSource)
    /// IAM Identity Center: GetRoleCredentials with the session's cached access token.
    case sso(SSOSource)
    /// A source profile's own `credential_process` (aws-vault, a password manager), run
    /// afresh at every fetch.
    case process(ProcessSource)
    /// The long-term key `sts-proc keys add` stored in the keyring for a profile that has
    /// none in the files; read at fetch time (never at planning: hits must not touch D-Bus).
    /// `ifAbsent` is the error planning would have reported without a keyring.
    case storedKeys(profile: String, ifAbsent: STSProcError)

    /// The credentials themselves when they need no STS call to obtain.
    var givenCredentials: AWSCredentials? {
        switch self {
        case .staticKeys(let credentials, _), .environment(let credentials): return credentials
        case .instanceMetadata, .container, .webIdentity, .saml, .sso, .process, .storedKeys: return nil
        }
    }

    /// Long-term keys, printed as they are when no role or MFA session is asked for.
    var isLongTermKeys: Bool {
        switch self {
        case .staticKeys(let credentials, _), .environment(let credentials): return !credentials.isTemporary
        case .storedKeys: return true
        case .instanceMetadata, .container, .webIdentity, .saml, .sso, .process: return false
        }
    }

    /// The profile holding static keys, when that is the source.
    var keysProfile: String? {
        switch self {
        case .staticKeys(_, let profile), .storedKeys(let profile, _): return profile
        default: return nil
        }
    }

    /// The role a federated source assumes, for labels and listings.
    var roleARN: String? {
        switch self {
        case .staticKeys, .environment, .instanceMetadata, .container, .sso, .process, .storedKeys: return nil
        case .webIdentity(let source): return source.roleARN
        case .saml(let source): return source.roleARN
        }
    }

    /// Where these come from, in words, for `doctor` and error messages.
    var origin: String {
        switch self {
        case .staticKeys(_, let profile): return "static keys of profile \(profile)"
        case .environment: return "AWS_ACCESS_KEY_ID in the environment"
        case .instanceMetadata(let endpoint): return "EC2 instance metadata at \(endpoint.baseURL)"
        case .container(let endpoint): return "container credentials at \(endpoint.url)"
        case .webIdentity(let source): return "web identity token (\(source.token.description))"
        case .saml(let source): return "SAML assertion (\(source.assertion.description))"
        case .sso(let source): return "IAM Identity Center role \(source.roleDescription) through \(source.session.description)"
        case .process(let source): return "credential_process of profile \(source.profile) (\(ShellWords.programName(source.command)))"
        case .storedKeys(let profile, _): return "the access key of profile \(profile) in the keyring"
        }
    }
}

/// Where a token or assertion is read from: never stored in the plan itself, since it
/// must be read fresh (CI and Kubernetes rotate tokens) and must never reach a cache key.
public enum SecretInput: Sendable, Equatable, CustomStringConvertible {
    case file(String, setting: String)
    /// A command line, run without a shell and stopped after `timeLimit` seconds.
    case process(String, setting: String, timeLimit: Double)

    /// Exactly where it comes from, for the cache key (which is a digest, so a password on
    /// a command line does not leak through it).
    var identity: String {
        switch self {
        case .file(let path, _): return "file:" + path
        case .process(let command, _, _): return "process:" + command
        }
    }

    public var description: String {
        switch self {
        case .file(let path, let setting): return "\(setting) \(path)"
        case .process(let command, let setting, _): return "\(setting) \(ShellWords.programName(command))"
        }
    }
}

public struct ProcessSource: Sendable, Equatable {
    public var profile: String
    public var command: String
    public var timeLimit: Double
}

public struct WebIdentitySource: Sendable, Equatable {
    public var profile: String
    public var roleARN: String
    public var roleSessionName: String
    public var hasExplicitSessionName: Bool
    public var durationSeconds: Int?
    public var policy: String?
    public var policyARNs: [String]
    public var token: SecretInput
}

public struct SAMLSource: Sendable, Equatable {
    public var profile: String
    /// Optional when the assertion offers exactly one role.
    public var roleARN: String?
    /// Optional when the assertion names exactly one provider for the role.
    public var principalARN: String?
    /// Unset: STS's default (one hour), as with the AWS CLI. The assertion's SessionDuration
    /// is the console's session length and may exceed the role's maximum.
    public var durationSeconds: Int?
    public var policy: String?
    public var policyARNs: [String]
    public var assertion: SecretInput
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
    /// `sts_proc_kernel_cache`: copies in the kernel keyring in front of the Secret Service.
    public var usesKernelKeyring: Bool
    /// `sts_proc_cache = kernel`: the kernel keyring alone, credentials kept for their whole life.
    public var kernelOnly = false

    public init(isEnabled: Bool = true, minimumTTL: Int = CachePolicy.defaultMinimumTTL, usesKernelKeyring: Bool = true) {
        self.isEnabled = isEnabled
        self.minimumTTL = minimumTTL
        self.usesKernelKeyring = usesKernelKeyring
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
    /// With `mfa_serial`: the source keys are first exchanged for an MFA session.
    public var mfa: MFASettings?
    /// `sts_proc_timeout`: the whole run ends by then (`RunDeadline`).
    public var timeoutSeconds: Double = RunDeadline.defaultSeconds

    /// The role whose credentials the plan yields, if any.
    public var finalRoleARN: String? { roles.last?.parameters.roleARN ?? source.roleARN }

    /// Plans that only print given keys make no STS call, so there is nothing to cache.
    var obtainsTemporaryCredentials: Bool {
        !roles.isEmpty || mfa != nil || (source.givenCredentials == nil && !source.isLongTermKeys)
    }
}

/// `mfa_serial` and how its codes are obtained (README, "MFA").
public struct MFASettings: Sendable, Equatable {
    /// The profile that sets `mfa_serial`.
    public var profile: String
    public var serialNumber: String
    /// GetSessionToken's DurationSeconds (`sts_proc_mfa_session_seconds`).
    public var sessionSeconds: Int
    public var codeSource: MFACodeSource

    /// GetSessionToken's range for IAM users; a day and a half at most.
    static let sessionRange = 900...129_600
    /// Twelve hours (STS's own default): one code per working day.
    static let defaultSessionSeconds = 43_200
}

public enum MFACodeSource: Sendable, Equatable {
    /// `mfa_process`: a command that prints the code.
    case process(String, timeLimit: Double)
    /// A prompt on the controlling terminal (`/dev/tty`), which the SDK does not capture.
    case terminal
}
