/// Reading the SAML and web-identity settings of a profile (README, "Web identity" and "SAML"). Environment variables
/// fill in what the profile does not set, as the AWS SDKs read them.
extension PlanBuilder {
    /// A SAML source when the profile names an assertion file or process.
    func samlSource(of profile: Profile) throws(STSProcError) -> SAMLSource? {
        guard let assertion = try secretInput(of: profile, file: .samlAssertionFile,
                                              process: .samlAssertionProcess) else { return nil }
        return SAMLSource(
            profile: profile.name,
            roleARN: try profile.setting(.roleARN).map { (value: String) throws(STSProcError) in try SettingParsers.roleARN(value) },
            principalARN: try profile.setting(.principalARN).map(Self.providerARN),
            durationSeconds: try profile.setting(.durationSeconds).map(SettingParsers.durationSeconds),
            policy: try profile.setting(.policy).map(SettingParsers.policy),
            policyARNs: try profile.setting(.policyARNs).map(SettingParsers.policyARNs) ?? [],
            assertion: assertion)
    }

    /// A web-identity source when the profile names a token file or process, or when
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` is set and the profile has no other source of its own
    /// (the SDKs' order: a role profile with source_profile or credential_source wins).
    /// The variables apply to the profile asked for only: botocore reads source profiles
    /// with the environment turned off.
    func webIdentitySource(of profile: Profile, readingEnvironment: Bool) throws(STSProcError) -> WebIdentitySource? {
        var token = try secretInput(of: profile, file: .webIdentityTokenFile, process: .webIdentityTokenProcess)
        if token == nil, readingEnvironment, let path = environment.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE"),
           profile.setting(.sourceProfile) == nil, profile.setting(.credentialSource) == nil,
           profile.setting(.accessKeyID) == nil {
            token = .file(path, setting: "AWS_WEB_IDENTITY_TOKEN_FILE")
        }
        guard let token else { return nil }
        let environmentRole = readingEnvironment ? environment.nonEmpty("AWS_ROLE_ARN") : nil
        guard let roleARN = profile.setting(.roleARN) ?? environmentRole else {
            throw STSProcError(.configuration, failure: "no role for the web identity token",
                               reason: "the profile has a web identity token but neither role_arn nor AWS_ROLE_ARN",
                               remedy: "Add sts_proc_role_arn to the profile")
        }
        let sessionName = profile.setting(.roleSessionName)
            ?? (readingEnvironment ? environment.nonEmpty("AWS_ROLE_SESSION_NAME") : nil)
        return WebIdentitySource(
            profile: profile.name,
            roleARN: try SettingParsers.roleARN(roleARN),
            roleSessionName: try SettingParsers.roleSessionName(sessionName ?? "sts-proc-\(now.secondsSinceEpoch)"),
            hasExplicitSessionName: sessionName != nil,
            durationSeconds: try profile.setting(.durationSeconds).map(SettingParsers.durationSeconds),
            policy: try profile.setting(.policy).map(SettingParsers.policy),
            policyARNs: try profile.setting(.policyARNs).map(SettingParsers.policyARNs) ?? [],
            token: token)
    }

    private func secretInput(of profile: Profile, file: SettingKey, process: SettingKey) throws(STSProcError) -> SecretInput? {
        switch (profile.setting(file), profile.setting(process)) {
        case (let path?, nil): return .file(ConfigPath.expandUser(path, environment: environment), setting: file.rawValue)
        case (nil, let command?):
            return .process(command, setting: process.rawValue, timeLimit: try processTimeLimit(of: profile))
        case (nil, nil): return nil
        case (.some, .some):
            throw STSProcError(.configuration, failure: "conflicting settings in profile \(profile.name)",
                               reason: "it sets both \(file) and \(process)",
                               remedy: "Keep only one of them")
        }
    }

    private static func providerARN(_ value: String) throws(STSProcError) -> String {
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[5].hasPrefix("saml-provider/") else {
            throw STSProcError(.configuration, failure: "invalid principal_arn",
                               reason: "'\(value)' is not a SAML provider ARN",
                               remedy: "Use the form arn:aws:iam::123456789012:saml-provider/NAME")
        }
        return value
    }
}
