/// Every profile setting sts-proc reads, by its name in the file. `Profile`'s readers take
/// only these, so a setting cannot be read without being listed here, and `doctor` checks
/// the `sts_proc_*` keys of a file against this one list (a misspelt `sts_proc_role_arm`
/// is otherwise silently ignored).
public enum SettingKey: String, CaseIterable, Sendable, CustomStringConvertible {
    // Flow and role (README, "Settings").
    case roleARN = "role_arn"
    case sourceProfile = "source_profile"
    case credentialSource = "credential_source"
    case roleSessionName = "role_session_name"
    case externalID = "external_id"
    case durationSeconds = "duration_seconds"
    case policy
    case policyARNs = "policy_arns"
    case tags
    case transitiveTagKeys = "transitive_tag_keys"
    case sourceIdentity = "source_identity"
    case mfaSerial = "mfa_serial"
    case mfaProcess = "mfa_process"
    case webIdentityTokenFile = "web_identity_token_file"
    case webIdentityTokenProcess = "web_identity_token_process"
    case samlAssertionFile = "saml_assertion_file"
    case samlAssertionProcess = "saml_assertion_process"
    case principalARN = "principal_arn"
    case ssoSession = "sso_session"
    case ssoStartURL = "sso_start_url"
    case ssoRegion = "sso_region"
    case ssoAccountID = "sso_account_id"
    case ssoRoleName = "sso_role_name"
    // Keys, and a source profile's own credential_process.
    case accessKeyID = "aws_access_key_id"
    case secretAccessKey = "aws_secret_access_key"
    case sessionToken = "aws_session_token"
    case securityToken = "aws_security_token"
    case credentialProcess = "credential_process"
    // How STS is reached (README, "Endpoint and region").
    case region
    case endpointURL = "endpoint_url"
    case services
    case stsRegionalEndpoints = "sts_regional_endpoints"
    case useFIPSEndpoint = "use_fips_endpoint"
    case useDualStackEndpoint = "use_dualstack_endpoint"
    case ignoreConfiguredEndpointURLs = "ignore_configured_endpoint_urls"
    case caBundle = "ca_bundle"
    case maxAttempts = "max_attempts"
    case ec2MetadataDisabled = "ec2_metadata_disabled"
    case ec2MetadataServiceEndpoint = "ec2_metadata_service_endpoint"
    case ec2MetadataServiceEndpointMode = "ec2_metadata_service_endpoint_mode"
    case metadataServiceTimeout = "metadata_service_timeout"
    case metadataServiceNumAttempts = "metadata_service_num_attempts"
    // sts-proc's own, read only with the prefix (`Profile.ownSetting`).
    case cache
    case kernelCache = "kernel_cache"
    case minTTL = "min_ttl"
    case timeout
    case processTimeout = "process_timeout"
    case mfaSessionSeconds = "mfa_session_seconds"

    /// The name as written in the file, so messages can interpolate a key directly.
    public var description: String { rawValue }

    /// The key with sts-proc's prefix, as users write it in a profile that runs sts-proc.
    public var prefixed: String { Profile.prefix + rawValue }
}
