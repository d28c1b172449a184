/// The environment `sts-proc exec` gives its command (README, "exec"). Pure: the caller's
/// environment in, the command's out.
public enum ExecEnvironment {
    /// Set in the command's environment; a second `exec` inside it refuses unless asked
    /// (credentials of one profile silently replaced by another's is the classic mistake).
    public static let marker = "STS_PROC_EXEC_PROFILE"

    public enum Credentials {
        /// `--no-server`: the credentials themselves, as `env` prints them.
        case variables(AWSCredentials)
        /// The default: a loopback credential endpoint the SDKs ask as they need.
        case endpoint(url: String, token: String)
    }

    /// Variables that would make an SDK use something other than what exec provides: the
    /// profile (SDKs resolve a named profile before the container endpoint), keys already in
    /// the environment (read first of all), web identity from the environment, and the other
    /// ways of naming a container endpoint or its token (a relative URI or a token file win
    /// over the full URI and the token in several SDKs).
    static let displaced = [
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    ]

    public static func make(from environment: [String: String], profile: String, region: String?,
                            credentials: Credentials) -> [String: String] {
        var result = environment
        for name in displaced { result[name] = nil }
        switch credentials {
        case .variables(let credentials):
            result["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
            result["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
            result["AWS_SESSION_TOKEN"] = credentials.sessionToken
            result["AWS_CREDENTIAL_EXPIRATION"] = credentials.expiration?.iso8601
        case .endpoint(let url, let token):
            result["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url
            result["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = token
        }
        if let region {
            result["AWS_REGION"] = region
            result["AWS_DEFAULT_REGION"] = region
        }
        result[marker] = profile
        return result
    }
}
