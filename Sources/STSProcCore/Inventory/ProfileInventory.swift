/// Builds `sts-proc list` from the parsed files and the keyring's item attributes: pure, so
/// the flow naming is unit-tested; the plan is the one `PlanBuilder` makes (no request).
struct ProfileInventory {
    let config: SharedConfig
    let environment: [String: String]
    let now: UTCTime
    /// nil when the keyring could not be asked: keys in it and cache times are then unknown.
    let keyring: [KeyringItemSummary]?
    /// The kernel keyring's copies: their expiry counts as a cache time too.
    var kernelCopies: [KeyringItemSummary] = []

    func summaries() -> [ProfileSummary] {
        config.profiles.keys.sorted().map(summary)
    }

    func summary(of name: String) -> ProfileSummary {
        var row = ProfileSummary(profile: name, flow: "invalid")
        let profile = config.profile(named: name)
        let line = profile?.botocoreSetting("credential_process")
        var served = name
        if let line, CredentialProcessLine.callsSTSProc(line) {
            served = CredentialService.profileName(explicit: CredentialProcessLine.targetProfile(line), environment: environment)
            row.stsProcProfile = served
        } else if let line, let profile, !sdkPreemptsProcess(profile) {
            // Another program (aws-vault, a password manager): the SDK runs it, sts-proc has no say.
            row.flow = "credential process"
            row.source = ShellWords.programName(line)
            return row
        }
        let plan: CredentialPlan
        do {
            plan = try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: served)
        } catch {
            row.error = error.message
            return row
        }
        describe(plan, into: &row)
        // A kernel copy beside a Secret Service lives five minutes at most, though its
        // credential lives longer: its time counts only where the kernel keyring is the
        // whole cache (`sts_proc_cache = kernel`, or no Secret Service to ask).
        let kernelIsTheCache = plan.cachePolicy.kernelOnly || keyring == nil
        if keyring != nil || kernelIsTheCache {
            let cached = ((keyring ?? []) + (kernelIsTheCache ? kernelCopies : []))
                .filter { !$0.isAccessKey && $0.profile == plan.profile }.compactMap(\.expiration).max()
            row.cacheExpiration = cached?.iso8601
            row.cacheSecondsLeft = cached.map { now.seconds(until: $0) }
        }
        return row
    }

    /// botocore's providers that come before credential_process (README, "The `sts_proc_` prefix").
    private func sdkPreemptsProcess(_ profile: Profile) -> Bool {
        Doctor.keysThatPreemptCredentialProcess.contains { profile.hasPlainSetting($0) }
            || config.keysSection(of: profile.name)?.path == config.credentialsPath
    }

    private func describe(_ plan: CredentialPlan, into row: inout ProfileSummary) {
        row.role = plan.finalRoleARN
        switch plan.source {
        case .staticKeys(_, let profile), .storedKeys(let profile, _):
            row.flow = "static keys"
            row.source = "profile \(profile)"
            row.keys = keysLocation(of: profile, stored: { if case .storedKeys = plan.source { true } else { false } }())
        case .environment: row.flow = "static keys"; row.source = "environment"
        case .instanceMetadata: row.flow = "static keys"; row.source = "EC2 instance metadata"
        case .container: row.flow = "static keys"; row.source = "container credentials"
        case .webIdentity(let source): row.flow = "web identity"; row.source = source.token.description
        case .saml(let source): row.flow = "SAML"; row.source = source.assertion.description
        case .sso(let source): row.flow = "SSO"; row.source = source.session.description
        case .process(let source):
            row.flow = "credential process"
            row.source = "profile \(source.profile): \(ShellWords.programName(source.command))"
        }
        // Metadata, container and environment sources only ever start a chain of roles.
        if !plan.roles.isEmpty { row.flow = "AssumeRole" }
        if plan.mfa != nil { row.flow += " + MFA" }
    }

    private func keysLocation(of profile: String, stored: Bool) -> String {
        guard stored else {
            return config.keysSection(of: profile)?.path == config.credentialsPath ? "credentials file" : "config file"
        }
        guard let items = keyring else { return "unknown" }
        return items.contains { $0.isAccessKey && $0.profile == profile } ? "keyring" : "none"
    }
}
