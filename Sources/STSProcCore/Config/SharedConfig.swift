/// `~/.aws/config` and `~/.aws/credentials`, combined exactly as botocore's
/// `Session.full_config` combines them.
public struct SharedConfig: Sendable {
    public var configPath: String
    public var credentialsPath: String
    public var configFileExists: Bool
    public var credentialsFileExists: Bool
    /// Profile name → settings. Config-file profiles come from `[default]` and `[profile NAME]`
    /// (a later section for the same name replaces the earlier one whole); every
    /// credentials-file section then overrides key by key, or adds a profile.
    public var profiles: [String: [String: INIValue]]
    /// `[services NAME]` sections: service id → `.nested` sub-settings.
    public var services: [String: [String: INIValue]]
    /// `[sso-session NAME]` sections.
    public var ssoSessions: [String: [String: INIValue]]
    /// Config-file sections botocore ignores (`[prod]` where `[profile prod]` was meant,
    /// `[plugins]`), for `doctor`.
    public var ignoredConfigSections: [String: [String: INIValue]] = [:]
    /// Each file's own sections, before the merge: static keys are taken from one file only.
    var configFileProfiles: [String: [String: INIValue]] = [:]
    var credentialsFileProfiles: [String: [String: INIValue]] = [:]

    /// When set, every lookup by name is recorded (for the subset cache); plan building only.
    var reads: ConfigReads?

    /// Pure: nil text = file absent.
    public init(configText: String?, configPath: String, credentialsText: String?, credentialsPath: String) throws(STSProcError) {
        self.init(configSections: try configText.map { text throws(STSProcError) in try INIParser.parse(text, path: configPath) },
                  configPath: configPath,
                  credentialsSections: try credentialsText.map { text throws(STSProcError) in try INIParser.parse(text, path: credentialsPath) },
                  credentialsPath: credentialsPath)
    }

    /// From each file's sections in file order (nil = file absent): all of them, or the
    /// subset a cached plan needs.
    init(configSections: [INISection]?, configPath: String, credentialsSections: [INISection]?, credentialsPath: String) {
        self.configPath = configPath
        self.credentialsPath = credentialsPath
        configFileExists = configSections != nil
        credentialsFileExists = credentialsSections != nil
        profiles = [:]
        services = [:]
        ssoSessions = [:]
        // build_profile_map
        for section in configSections ?? [] {
            switch SectionName(section.name) {
            case .profile(let name):
                profiles[name] = section.values
                configFileProfiles[name] = section.values
            case .ssoSession(let name): ssoSessions[name] = section.values
            case .services(let name): services[name] = section.values
            case .other: ignoredConfigSections[section.name] = section.values
            }
        }
        // Every credentials-file section is a profile named as written, no `profile ` prefix.
        for section in credentialsSections ?? [] {
            profiles[section.name, default: [:]].merge(section.values) { _, credentials in credentials }
            credentialsFileProfiles[section.name] = section.values
        }
    }

    public func profile(named name: String) -> Profile? {
        reads?.profile(name)
        return profiles[name].map { Profile(name: name, values: $0) }
    }

    /// Where a profile's static keys come from, as botocore's shared-credentials and config
    /// providers decide: the credentials file's section when it has `aws_access_key_id`,
    /// else the config file's; never a mix of the two.
    func keysSection(of name: String) -> (profile: Profile, path: String)? {
        reads?.profile(name)
        for (sections, path) in [(credentialsFileProfiles, credentialsPath), (configFileProfiles, configPath)] {
            if let values = sections[name], (try? Profile(name: name, values: values).presentSetting(.accessKeyID)) != nil {
                return (Profile(name: name, values: values), path)
            }
        }
        return nil
    }

    /// `[sso-session NAME]`'s settings.
    func ssoSession(named name: String) -> [String: INIValue]? {
        reads?.ssoSession(name)
        return ssoSessions[name]
    }

    /// The sub-settings of `[services NAME]` for one service id, e.g. services(named: "local")["sts"] → ["endpoint_url": "..."]
    /// `service` is matched as the file's keys are stored: lower-cased (`sts`, `s3`).
    /// nil when the section or the service is missing, or the service line is not an indented block.
    public func serviceSettings(section: String, service: String) -> [String: String]? {
        reads?.services(section)
        guard case .nested(let settings) = services[section]?[service] else { return nil }
        return settings
    }
}
