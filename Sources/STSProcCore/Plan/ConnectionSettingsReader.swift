/// Reads the settings that shape how STS is reached, each from the environment or the
/// profile in the order botocore uses (README, "Endpoint and region"), except region, whose order the README fixes
/// as profile first.
struct ConnectionSettingsReader {
    let profile: Profile
    let config: SharedConfig
    let environment: [String: String]

    struct Result {
        var endpoint: STSEndpoint
        var caBundlePath: String?
        var maxAttempts: Int
    }

    func read() throws(STSProcError) -> Result {
        let region = profile.setting(.region) ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? "us-east-1"
        let regionalMode = env("AWS_STS_REGIONAL_ENDPOINTS") ?? profile.setting(.stsRegionalEndpoints) ?? "regional"
        guard regionalMode == "regional" || regionalMode == "legacy" else {
            throw STSProcError(.configuration, failure: "invalid sts_regional_endpoints",
                               reason: "'\(regionalMode)' is neither regional nor legacy",
                               remedy: "Set sts_regional_endpoints (or AWS_STS_REGIONAL_ENDPOINTS) to regional or legacy")
        }
        let servicesURL = profile.setting(.services).flatMap {
            config.serviceSettings(section: $0, service: "sts")?["endpoint_url"]
        }
        let settings = EndpointSettings(
            serviceEnvironmentURL: env("AWS_ENDPOINT_URL_STS"),
            globalEnvironmentURL: env("AWS_ENDPOINT_URL"),
            servicesSectionURL: servicesURL,
            profileURL: profile.setting(.endpointURL),
            ignoreConfiguredURLs: SettingParsers.boolean(
                env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ?? profile.setting(.ignoreConfiguredEndpointURLs)),
            region: region,
            legacyGlobalEndpoint: regionalMode == "legacy",
            useFIPS: SettingParsers.boolean(env("AWS_USE_FIPS_ENDPOINT") ?? profile.setting(.useFIPSEndpoint)),
            useDualStack: SettingParsers.boolean(env("AWS_USE_DUALSTACK_ENDPOINT") ?? profile.setting(.useDualStackEndpoint)))
        let maxAttempts = try (env("AWS_MAX_ATTEMPTS") ?? profile.setting(.maxAttempts)).map {
            (value: String) throws(STSProcError) in
            try SettingParsers.clampedCount(value, key: "max_attempts", limit: 10)
        } ?? 3
        return Result(endpoint: try EndpointResolver.resolve(settings),
                      caBundlePath: env("AWS_CA_BUNDLE") ?? profile.setting(.caBundle),
                      maxAttempts: maxAttempts)
    }

    private func env(_ name: String) -> String? { environment.nonEmpty(name) }
}
