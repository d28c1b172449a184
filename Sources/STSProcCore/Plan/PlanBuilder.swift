/// The one place that decides which flow runs for a profile (README, "Settings") and
/// turns its settings into a `CredentialPlan`, validating everything before any request.
public struct PlanBuilder {
    /// sts-proc's own limit on role chaining (botocore has none): deeper chains are almost
    /// always a mistake, and each hop costs a request on every refresh.
    static let maximumChainLength = 10

    let config: SharedConfig
    let environment: [String: String]
    let now: UTCTime

    public init(config: SharedConfig, environment: [String: String], now: UTCTime) {
        self.config = config
        self.environment = environment
        self.now = now
    }

    public func makePlan(profileName: String) throws(STSProcError) -> CredentialPlan {
        do {
            let source: SourceCredentials, roles: [RoleStep], mfaProfile: Profile?
            let profile: Profile
            if let found = config.profile(named: profileName) {
                profile = found
                (source, roles, mfaProfile) = try resolveChain(startingAt: profile)
            } else {
                // No file defines it: a profile whose key only the keyring holds (`keys add`),
                // or a mistake, reported as "not found" when the keyring has nothing either.
                profile = Profile(name: profileName, values: [:])
                (source, roles, mfaProfile) = (.storedKeys(profile: profileName, ifAbsent: profileNotFound(profileName)), [], nil)
            }
            let connection = try ConnectionSettingsReader(profile: profile, config: config, environment: environment).read()
            var plan = CredentialPlan(profile: profileName, source: source, roles: roles,
                                      endpoint: connection.endpoint, caBundlePath: connection.caBundlePath,
                                      maxAttempts: connection.maxAttempts, cachePolicy: try cachePolicy(of: profile),
                                      mfa: try mfaProfile.map { (mfaProfile: Profile) throws(STSProcError) in
                                          try mfaSettings(of: mfaProfile, top: profile, source: source)
                                      })
            if let timeout = profile.ownSetting(.timeout) {
                plan.timeoutSeconds = Double(try SettingParsers.positiveInteger(timeout, key: "sts_proc_timeout",
                                                                                range: RunDeadline.allowedSeconds))
            }
            return plan
        } catch {
            throw error.inProfile(profileName)
        }
    }

    // MARK: - Profiles

    private func profileNotFound(_ name: String) -> STSProcError {
        var files: [String] = []
        files.append(config.configFileExists ? config.configPath : "\(config.configPath) (which does not exist)")
        files.append(config.credentialsFileExists ? config.credentialsPath : "\(config.credentialsPath) (which does not exist)")
        return STSProcError(.configuration, failure: "profile not found",
                            reason: "there is no profile '\(name)' in \(files.joined(separator: " or ")), and the keyring holds no key for it",
                            remedy: "Add [profile \(name)] to the config file, or check --profile / AWS_PROFILE / AWS_CONFIG_FILE")
    }

    // MARK: - The source_profile chain

    /// Follows `source_profile` links from the profile down to real credentials, collecting
    /// the roles to assume; returns the roles in the order they must be assumed.
    ///
    /// For each profile on the way, the flow order (README, "Settings"): SAML settings, else
    /// web-identity settings (both end the chain: they are its source), else `role_arn`
    /// (AssumeRole, and on to its source), else static keys.
    ///
    /// Also returns the first profile on the way that sets `mfa_serial`, whose MFA session
    /// replaces the source keys.
    private func resolveChain(startingAt top: Profile) throws(STSProcError) -> (SourceCredentials, [RoleStep], Profile?) {
        var rolesTopDown: [RoleStep] = []
        var visited: [String] = [top.name]
        var current = top
        var mfaProfile: Profile?
        while true {
            if mfaProfile == nil, current.setting(.mfaSerial) != nil { mfaProfile = current }
            if let saml = try samlSource(of: current) {
                return (.saml(saml), rolesTopDown.reversed(), mfaProfile)
            }
            let isTop = rolesTopDown.isEmpty
            if let webIdentity = try webIdentitySource(of: current, readingEnvironment: isTop) {
                return (.webIdentity(webIdentity), rolesTopDown.reversed(), mfaProfile)
            }
            // botocore resolves a source profile that holds keys, or sets no role_arn, through
            // its profile providers, whatever role_arn it also sets
            // (`_resolve_credentials_from_profile`); only the profile asked for is read as a
            // role profile first.
            let holdsKeys = try hasStaticKeys(current)
            let setsRole = try current.presentSetting(.roleARN) != nil
            if !isTop, holdsKeys || !setsRole {
                return (try sourceProfileCredentials(current, top: top, visited: visited), rolesTopDown.reversed(), mfaProfile)
            }
            guard let roleARN = try current.presentSetting(.roleARN) else {
                // botocore's provider order: an assume-role profile before SSO, SSO before keys.
                if let sso = try SSOSettingsReader(config: config, environment: environment).source(of: current) {
                    return (.sso(sso), rolesTopDown.reversed(), mfaProfile)
                }
                return (try staticSource(of: current, isTop: true), rolesTopDown.reversed(), mfaProfile)
            }
            rolesTopDown.append(try roleStep(for: current, roleARN: roleARN))
            guard rolesTopDown.count <= Self.maximumChainLength else {
                throw STSProcError(.configuration, failure: "role chain too long",
                                   reason: "\(visited.joined(separator: " → ")) chains more than \(Self.maximumChainLength) roles",
                                   remedy: "Point source_profile at a profile with keys sooner")
            }
            let sourceProfile = try current.presentSetting(.sourceProfile)
            let credentialSource = try current.presentSetting(.credentialSource)
            switch (sourceProfile, credentialSource) {
            case (.some, .some):
                throw STSProcError(.configuration, failure: "conflicting settings in profile \(current.name)",
                                   reason: "it sets both source_profile and credential_source",
                                   remedy: "Keep only one of source_profile and credential_source")
            case (nil, nil):
                throw STSProcError(.configuration, failure: "no source credentials for role_arn in profile \(current.name)",
                                   reason: "role_arn needs source_profile or credential_source",
                                   remedy: "Add source_profile = <profile with keys> or credential_source = Environment")
            case (nil, let credentialSource?):
                return (try environmentSource(credentialSource, profile: current), rolesTopDown.reversed(), mfaProfile)
            case (let sourceName?, nil):
                // botocore lets a profile name itself as source when it also holds keys (in a
                // file, or since keys import in the keyring).
                if sourceName == current.name {
                    return (try staticSource(of: current, isTop: false), rolesTopDown.reversed(), mfaProfile)
                }
                if let start = visited.firstIndex(of: sourceName) {
                    let loop = visited[start...] + [sourceName]
                    throw STSProcError(.configuration, failure: "source_profile cycle",
                                       reason: loop.joined(separator: " → "),
                                       remedy: "Make one profile in the cycle use static keys or credential_source")
                }
                guard let next = config.profile(named: sourceName) else {
                    // A profile that only `keys add` knows: its key is in the keyring (read when
                    // fetching, which says so if there is none).
                    let absent = STSProcError(.configuration, failure: "source_profile not found",
                                              reason: "profile \(current.name) names source_profile '\(sourceName)', which no file defines and the keyring holds no key for",
                                              remedy: "Add its key with sts-proc keys add --profile \(sourceName), or a [\(sourceName)] section, or fix source_profile")
                    return (.storedKeys(profile: sourceName, ifAbsent: absent), rolesTopDown.reversed(), mfaProfile)
                }
                visited.append(sourceName)
                current = next
            }
        }
    }

    /// A source profile's credentials in the order of botocore's profile providers: SSO,
    /// keys in the credentials file, its own `credential_process`, keys in the config file.
    private func sourceProfileCredentials(_ profile: Profile, top: Profile,
                                          visited: [String]) throws(STSProcError) -> SourceCredentials {
        if let sso = try SSOSettingsReader(config: config, environment: environment).source(of: profile) {
            return .sso(sso)
        }
        if config.keysSection(of: profile.name)?.path == config.credentialsPath {
            return try staticSource(of: profile, isTop: false)
        }
        if let command = profile.setting(.credentialProcess) {
            // `sts-proc --profile <itself>` on a profile with no role just serves its own key
            // (from the keyring, after keys import): the same key, read directly.
            if CredentialProcessLine.callsSTSProc(command), CredentialProcessLine.targetProfile(command) == profile.name {
                return try staticSource(of: profile, isTop: false)
            }
            // An sts-proc line for a profile already on the way would call this chain again.
            if CredentialProcessLine.callsSTSProc(command),
               let target = CredentialProcessLine.targetProfile(command), visited.contains(target) {
                throw STSProcError(.configuration, failure: "source_profile cycle",
                                   reason: (visited + ["credential_process sts-proc --profile \(target)"]).joined(separator: " → "),
                                   remedy: "Point source_profile at a profile whose credential_process does not lead back here")
            }
            return .process(ProcessSource(profile: profile.name, command: command, timeLimit: try processTimeLimit(of: top)))
        }
        return try staticSource(of: profile, isTop: false)
    }

    private func roleStep(for profile: Profile, roleARN: String) throws(STSProcError) -> RoleStep {
        // botocore treats an empty role_session_name as unset (it generates one).
        let sessionName = profile.setting(.roleSessionName)
        var parameters = AssumeRoleParameters(
            roleARN: try SettingParsers.roleARN(roleARN),
            roleSessionName: try SettingParsers.roleSessionName(sessionName ?? "sts-proc-\(now.secondsSinceEpoch)"),
            durationSeconds: try profile.setting(.durationSeconds).map(SettingParsers.durationSeconds) ?? 3600)
        parameters.externalID = try profile.presentSetting(.externalID).map(SettingParsers.externalID)
        parameters.policy = try profile.setting(.policy).map(SettingParsers.policy)
        parameters.policyARNs = try profile.setting(.policyARNs).map(SettingParsers.policyARNs) ?? []
        parameters.tags = try profile.setting(.tags).map(SettingParsers.tags) ?? []
        parameters.transitiveTagKeys = profile.setting(.transitiveTagKeys).map(SettingParsers.commaList) ?? []
        parameters.sourceIdentity = try profile.setting(.sourceIdentity).map(SettingParsers.sourceIdentity)
        return RoleStep(profile: profile.name, parameters: parameters, hasExplicitSessionName: sessionName != nil)
    }

    /// `sts_proc_cache` and `sts_proc_min_ttl` exist only for sts-proc, so only the prefixed
    /// names count; they are read from the profile asked for.
    private func cachePolicy(of profile: Profile) throws(STSProcError) -> CachePolicy {
        var policy = CachePolicy()
        switch profile.ownSetting(.cache) {
        case nil, "keyring": break
        case "none": policy.isEnabled = false
        case "kernel": policy.kernelOnly = true
        case let other?:
            throw STSProcError(.configuration, failure: "invalid sts_proc_cache",
                               reason: "'\(other)' is not keyring, kernel or none", remedy: "Set sts_proc_cache to keyring, kernel or none")
        }
        policy.usesKernelKeyring = try SettingParsers.choice(profile.ownSetting(.kernelCache),
                                                             key: "sts_proc_kernel_cache", yes: "on", no: "off")
        if let minimumTTL = profile.ownSetting(.minTTL) {
            policy.minimumTTL = try SettingParsers.positiveInteger(minimumTTL, key: "sts_proc_min_ttl", range: 0...43_200)
        }
        return policy
    }

    // MARK: - MFA

    /// The MFA session is a GetSessionToken with the chain's long-term keys, so they must
    /// be long-term: temporary credentials cannot call GetSessionToken.
    private func mfaSettings(of profile: Profile, top: Profile, source: SourceCredentials) throws(STSProcError) -> MFASettings {
        let serial = profile.setting(.mfaSerial) ?? ""
        guard serial.count >= 9, serial.count <= 256,
              serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=/:,.@_-".contains($0)) }) else {
            throw STSProcError(.configuration, failure: "invalid mfa_serial",
                               reason: "'\(serial)' is neither an MFA device ARN nor a hardware serial number",
                               remedy: "Use the device's ARN, e.g. arn:aws:iam::123456789012:mfa/alice")
        }
        switch source {
        case .staticKeys(let credentials, _) where !credentials.isTemporary: break
        case .environment(let credentials) where !credentials.isTemporary: break
        case .storedKeys: break
        default:
            throw STSProcError(.configuration, failure: "mfa_serial needs long-term keys",
                               reason: "the chain of profile \(top.name) starts from \(source.origin), which cannot call GetSessionToken",
                               remedy: "Start the chain from a profile with an IAM user's access keys, or remove mfa_serial")
        }
        let sessionSeconds = try top.ownSetting(.mfaSessionSeconds).map { (value: String) throws(STSProcError) in
            try SettingParsers.positiveInteger(value, key: "sts_proc_mfa_session_seconds", range: MFASettings.sessionRange)
        } ?? MFASettings.defaultSessionSeconds
        let codeSource: MFACodeSource
        if let command = profile.setting(.mfaProcess) ?? top.setting(.mfaProcess) {
            codeSource = .process(command, timeLimit: try processTimeLimit(of: top))
        } else {
            codeSource = .terminal
        }
        return MFASettings(profile: profile.name, serialNumber: serial, sessionSeconds: sessionSeconds, codeSource: codeSource)
    }

    /// `sts_proc_process_timeout`: how long any `*_process` command of the profile may run.
    func processTimeLimit(of profile: Profile) throws(STSProcError) -> Double {
        let seconds = try profile.ownSetting(.processTimeout).map { (value: String) throws(STSProcError) in
            try SettingParsers.positiveInteger(value, key: "sts_proc_process_timeout", range: 1...600)
        } ?? Int(SecretInputReader.defaultProcessTimeLimit)
        return Double(seconds)
    }

    // MARK: - Credential sources

    private func hasStaticKeys(_ profile: Profile) throws(STSProcError) -> Bool {
        let keyID = try profile.presentSetting(.accessKeyID)
        let secret = try profile.presentSetting(.secretAccessKey)
        return keyID != nil || secret != nil
    }

    private func staticSource(of merged: Profile, isTop: Bool) throws(STSProcError) -> SourceCredentials {
        // One file's keys (botocore never pairs a key ID from one file with a secret or
        // token from the other); without a key ID anywhere, the merged view for the message.
        let profile = config.keysSection(of: merged.name)?.profile ?? merged
        let keyID = try profile.presentSetting(.accessKeyID)
        let secret = try profile.presentSetting(.secretAccessKey)
        switch (keyID, secret) {
        case (let keyID?, let secret?):
            // aws_security_token is the name older tools wrote; botocore looks it up first.
            // Set but empty means no token (botocore sends none).
            let legacyToken = try profile.presentSetting(.securityToken)
            let currentToken = try profile.presentSetting(.sessionToken)
            let token = (legacyToken ?? currentToken).flatMap { $0.isEmpty ? nil : $0 }
            let keys = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
            try requireUsable(keys, from: "profile \(profile.name)")
            return .staticKeys(keys, profile: profile.name)
        case (nil, nil):
            // Neither file: the keyring item of `keys add`, looked up when fetching.
            let absent = isTop
                ? STSProcError(.configuration, failure: "nothing to do",
                               reason: "the profile sets no role_arn (or sts_proc_role_arn) and no keys, and the keyring holds no key for it",
                               remedy: "Add sts_proc_role_arn and sts_proc_source_profile to [profile \(profile.name)], or a key with sts-proc keys add --profile \(profile.name)")
                : STSProcError(.configuration, failure: "source profile \(profile.name) has no credentials",
                               reason: "it sets neither aws_access_key_id nor role_arn, and the keyring holds no key for it",
                               remedy: "Add its key with sts-proc keys add --profile \(profile.name) (or to the credentials file)")
            return .storedKeys(profile: profile.name, ifAbsent: absent)
        case (nil, _), (_, nil):
            let missing = keyID == nil ? "aws_access_key_id" : "aws_secret_access_key"
            throw STSProcError(.configuration, failure: "incomplete keys in profile \(profile.name)",
                               reason: "\(missing) is missing",
                               remedy: "Set both aws_access_key_id and aws_secret_access_key")
        }
    }

    /// Keys a user pasted are checked like every credential (`CredentialCheck`): a stray
    /// quote or line break would otherwise be signed with, or reach a shell through `env`.
    private func requireUsable(_ keys: AWSCredentials, from origin: String) throws(STSProcError) {
        guard let problem = CredentialCheck.problem(keys) else { return }
        throw STSProcError(.configuration, failure: "unusable keys in \(origin)", reason: problem,
                           remedy: "Copy the keys again, without quotes or spaces, from where they were issued")
    }

    private func environmentSource(_ name: String, profile: Profile) throws(STSProcError) -> SourceCredentials {
        switch name {
        case "Environment":
            guard let keyID = environment.nonEmpty("AWS_ACCESS_KEY_ID"),
                  let secret = environment.nonEmpty("AWS_SECRET_ACCESS_KEY") else {
                throw STSProcError(.configuration, failure: "no credentials in the environment",
                                   reason: "credential_source = Environment but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not set",
                                   remedy: "Export both variables, or use source_profile instead")
            }
            // botocore's EnvProvider: the first of the two names that is set wins, even if empty.
            let token = (environment["AWS_SECURITY_TOKEN"] ?? environment["AWS_SESSION_TOKEN"]).flatMap { $0.isEmpty ? nil : $0 }
            let keys = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token)
            try requireUsable(keys, from: "the environment (AWS_ACCESS_KEY_ID)")
            return .environment(keys)
        case "Ec2InstanceMetadata":
            return .instanceMetadata(try instanceMetadataEndpoint(profile: profile))
        case "EcsContainer":
            guard let endpoint = try ContainerEndpoint.fromEnvironment(environment) else {
                throw STSProcError(.configuration, failure: "no container credentials endpoint",
                                   reason: "credential_source = EcsContainer but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
                                   remedy: "Run inside an ECS task or EKS pod with a role, or use another credential_source")
            }
            return .container(endpoint)
        default:
            throw STSProcError(.configuration, failure: "invalid credential_source",
                               reason: "'\(name)' in profile \(profile.name) is not Environment, Ec2InstanceMetadata or EcsContainer",
                               remedy: "Fix credential_source (the names are case-sensitive)")
        }
    }

    /// The instance metadata settings, each from the environment or the profile as botocore reads them.
    private func instanceMetadataEndpoint(profile: Profile) throws(STSProcError) -> InstanceMetadataEndpoint {
        func value(_ variable: String, _ key: SettingKey) -> String? {
            environment.nonEmpty(variable) ?? profile.setting(key)
        }
        if SettingParsers.boolean(value("AWS_EC2_METADATA_DISABLED", .ec2MetadataDisabled)) {
            throw STSProcError(.configuration, failure: "EC2 instance metadata is disabled",
                               reason: "credential_source = Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED is true",
                               remedy: "Unset AWS_EC2_METADATA_DISABLED, or use another credential_source")
        }
        let mode = value("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", .ec2MetadataServiceEndpointMode)
        var baseURL = value("AWS_EC2_METADATA_SERVICE_ENDPOINT", .ec2MetadataServiceEndpoint)
            ?? (mode?.lowercased() == "ipv6" ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let timeout = try value("AWS_METADATA_SERVICE_TIMEOUT", .metadataServiceTimeout).map {
            (text: String) throws(STSProcError) in
            try SettingParsers.clampedCount(text, key: "metadata_service_timeout", limit: 60)
        } ?? 1
        let attempts = try value("AWS_METADATA_SERVICE_NUM_ATTEMPTS", .metadataServiceNumAttempts).map {
            (text: String) throws(STSProcError) in
            try SettingParsers.clampedCount(text, key: "metadata_service_num_attempts", limit: 10)
        } ?? 1
        return InstanceMetadataEndpoint(baseURL: baseURL, timeoutSeconds: timeout, attempts: attempts)
    }
}
