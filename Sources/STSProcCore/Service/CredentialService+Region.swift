extension CredentialService {
    /// The profile's own `region` setting, checked as every region is; nil when it has none.
    /// What `env` and `exec` hand to the SDKs as AWS_REGION / AWS_DEFAULT_REGION, so that
    /// a command run with the profile's credentials also talks to the profile's region.
    public func configuredRegion(profile name: String) throws(STSProcError) -> String? {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(name)
        }
        guard let profile = config.profile(named: name), let region = profile.setting(.region) else { return nil }
        do throws(STSProcError) {
            try EndpointResolver.requireValidRegion(region)
        } catch {
            throw error.inProfile(name)
        }
        return region
    }
}
