/// Reads a profile's IAM Identity Center settings as botocore's `SSOProvider` does: the
/// profile is an SSO profile when it sets any of `sso_start_url`, `sso_region`,
/// `sso_account_id`, `sso_role_name`; then all that the provider needs must be there.
/// Endpoints follow the same configured-endpoint order as STS, for the service ids `sso`
/// (portal) and `sso_oidc`.
struct SSOSettingsReader {
    let config: SharedConfig
    let environment: [String: String]

    static let credentialKeys: [SettingKey] = [.ssoStartURL, .ssoRegion, .ssoAccountID, .ssoRoleName]

    func isSSOProfile(_ profile: Profile) -> Bool {
        Self.credentialKeys.contains { profile.setting($0) != nil }
    }

    func source(of profile: Profile) throws(STSProcError) -> SSOSource? {
        guard isSSOProfile(profile) else { return nil }
        let session = try session(of: profile)
        guard let accountID = profile.setting(.ssoAccountID), let roleName = profile.setting(.ssoRoleName) else {
            let missing = [SettingKey.ssoAccountID, .ssoRoleName].filter { profile.setting($0) == nil }.map(\.rawValue)
            throw STSProcError(.configuration, failure: "incomplete SSO settings in profile \(profile.name)",
                               reason: "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") missing",
                               remedy: "Add them (sts-proc sso accounts --profile \(profile.name) lists what you can use)")
        }
        guard accountID.count == 12, accountID.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw STSProcError(.configuration, failure: "invalid sso_account_id",
                               reason: "'\(accountID)' is not a 12-digit AWS account ID", remedy: "Fix sso_account_id")
        }
        return SSOSource(profile: profile.name, session: session, accountID: accountID, roleName: roleName)
    }

    /// The session a profile uses: its `[sso-session]`, or its own legacy settings.
    func session(of profile: Profile) throws(STSProcError) -> SSOSession {
        if let name = profile.setting(.ssoSession) {
            let session = try session(named: name, profile: profile)
            for (key, value) in [(SettingKey.ssoStartURL, session.startURL), (.ssoRegion, session.region)] {
                if let own = profile.setting(key), own != value {
                    throw STSProcError(.configuration, failure: "conflicting SSO settings in profile \(profile.name)",
                                       reason: "its \(key) '\(own)' differs from [sso-session \(name)]'s '\(value)'",
                                       remedy: "Remove \(key) from the profile (the session's is used)")
                }
            }
            return session
        }
        guard let startURL = profile.setting(.ssoStartURL), let region = profile.setting(.ssoRegion) else {
            let missing = [SettingKey.ssoStartURL, .ssoRegion].filter { profile.setting($0) == nil }.map(\.rawValue)
            throw STSProcError(.configuration, failure: "incomplete SSO settings in profile \(profile.name)",
                               reason: "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") missing",
                               remedy: "Add sso_session = NAME with an [sso-session NAME] section (refreshable), or sso_start_url and sso_region")
        }
        return try makeSession(name: nil, startURL: startURL, region: region, scopes: nil, profile: profile)
    }

    /// `[sso-session NAME]`, with the endpoint settings of `profile` (or none).
    func session(named name: String, profile: Profile?) throws(STSProcError) -> SSOSession {
        guard let section = config.ssoSession(named: name) else {
            throw STSProcError(.configuration, failure: "unknown SSO session '\(name)'",
                               reason: "\(config.configPath) has no [sso-session \(name)] section",
                               remedy: "Add [sso-session \(name)] with sso_start_url and sso_region, or fix sso_session")
        }
        func text(_ key: String) -> String? {
            guard case .text(let value) = section[key], !value.isEmpty else { return nil }
            return value
        }
        guard let startURL = text("sso_start_url"), let region = text("sso_region") else {
            let missing = ["sso_start_url", "sso_region"].filter { text($0) == nil }
            throw STSProcError(.configuration, failure: "incomplete [sso-session \(name)]",
                               reason: "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") missing",
                               remedy: "Add them to [sso-session \(name)] in \(config.configPath)")
        }
        let scopes = text("sso_registration_scopes").map(SettingParsers.commaList)
        return try makeSession(name: name, startURL: startURL, region: region, scopes: scopes, profile: profile)
    }

    private func makeSession(name: String?, startURL: String, region: String, scopes: [String]?,
                             profile: Profile?) throws(STSProcError) -> SSOSession {
        guard startURL.hasPrefix("https://") || startURL.hasPrefix("http://") else {
            throw STSProcError(.configuration, failure: "invalid sso_start_url",
                               reason: "'\(startURL)' is not a URL", remedy: "Use the AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start")
        }
        guard EndpointResolver.isValidRegionName(region) else {
            throw STSProcError(.configuration, failure: "invalid sso_region",
                               reason: "'\(region)' is not a region name", remedy: "Set sso_region to the Identity Center region, e.g. eu-west-1")
        }
        let partition = Partition(region: region)
        let fips = SettingParsers.boolean(env("AWS_USE_FIPS_ENDPOINT") ?? profile?.setting(.useFIPSEndpoint))
        let dualStack = SettingParsers.boolean(env("AWS_USE_DUALSTACK_ENDPOINT") ?? profile?.setting(.useDualStackEndpoint))
        let suffix = dualStack ? partition.dualStackDNSSuffix : partition.dnsSuffix
        let oidc = try endpoint(service: "sso_oidc", variable: "AWS_ENDPOINT_URL_SSO_OIDC", profile: profile, region: region,
                                fallback: "https://\(fips ? "oidc-fips" : "oidc").\(region).\(suffix)")
        let portal = try endpoint(service: "sso", variable: "AWS_ENDPOINT_URL_SSO", profile: profile, region: region,
                                  fallback: "https://\(fips ? "portal.sso-fips" : "portal.sso").\(region).\(suffix)")
        let maxAttempts = try (env("AWS_MAX_ATTEMPTS") ?? profile?.setting(.maxAttempts)).map {
            (value: String) throws(STSProcError) in
            try SettingParsers.clampedCount(value, key: "max_attempts", limit: 10)
        } ?? 3
        return SSOSession(name: name, startURL: startURL, region: region, scopes: scopes, oidcURL: oidc, portalURL: portal,
                          caBundlePath: env("AWS_CA_BUNDLE") ?? profile?.setting(.caBundle), maxAttempts: maxAttempts)
    }

    private func endpoint(service: String, variable: String, profile: Profile?, region: String,
                          fallback: String) throws(STSProcError) -> String {
        let settings = EndpointSettings(
            serviceEnvironmentURL: env(variable), globalEnvironmentURL: env("AWS_ENDPOINT_URL"),
            servicesSectionURL: profile?.setting(.services).flatMap {
                config.serviceSettings(section: $0, service: service)?["endpoint_url"]
            },
            profileURL: profile?.setting(.endpointURL),
            ignoreConfiguredURLs: SettingParsers.boolean(
                env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ?? profile?.setting(.ignoreConfiguredEndpointURLs)),
            region: region)
        var url = try EndpointResolver.configuredURL(settings, serviceVariable: variable, example: fallback)?.url ?? fallback
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private func env(_ name: String) -> String? { environment.nonEmpty(name) }
}
