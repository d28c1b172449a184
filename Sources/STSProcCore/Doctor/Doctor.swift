/// Explains what sts-proc will do for a profile and flags what will go wrong: settings
/// that make the SDKs skip credential_process, a missing region, unreadable tokens, an
/// expired SAML assertion, an unusable keyring, and environment variables that override
/// the profile.
/// Explains what sts-proc will do for a profile and flags what will go wrong: settings
/// that make the SDKs skip credential_process, a credential_process line that does not
/// run what it should, a missing region, unreadable tokens, an expired SAML assertion, an
/// unusable keyring, and environment variables that override the profile.
public struct Doctor {
    let config: SharedConfig
    let environment: [String: String]
    let now: UTCTime
    let store: CredentialStore
    /// The keyring's access key of a profile (`keys add`); injected so tests never reach a real keyring.
    var storedKey: (String) throws(KeyringFailure) -> StoredAccessKey? = { profile throws(KeyringFailure) in
        try AccessKeyStore().load(profile: profile)
    }

    /// Profiles whose credential_process calls sts-proc, with the profile each resolves.
    public func callers() -> [(caller: String, target: String)] {
        config.profiles.keys.sorted().compactMap { name in
            guard let command = config.profile(named: name)?.botocoreSetting("credential_process"),
                  CredentialProcessLine.callsSTSProc(command) else { return nil }
            return (name, target(of: command))
        }
    }

    /// The profile an sts-proc line serves: its `--profile`, else what sts-proc falls back to.
    func target(of command: String) -> String {
        CredentialService.profileName(explicit: CredentialProcessLine.targetProfile(command), environment: environment)
    }

    /// What an SDK gets for profile `asked`: when its credential_process runs sts-proc, the
    /// profile that line names is examined (that is what runs); otherwise `asked` itself,
    /// as `sts-proc --profile asked` would resolve it, with the lines that point at it.
    public func examine(asked: String) -> DoctorReport {
        if let command = config.profile(named: asked)?.botocoreSetting("credential_process"),
           CredentialProcessLine.callsSTSProc(command) {
            return examine(profile: target(of: command), callers: [asked])
        }
        return examine(profile: asked, callers: callers().filter { $0.target == asked }.map(\.caller))
    }

    /// Every profile some credential_process line runs sts-proc for, and every config-file
    /// section botocore ignores that was meant as a profile of sts-proc.
    public func examineAll() -> [DoctorReport] {
        let all = callers()
        var targets: [String] = []
        for (_, target) in all where !targets.contains(target) { targets.append(target) }
        var reports = targets.map { target in examine(profile: target, callers: all.filter { $0.target == target }.map(\.caller)) }
        // `[plugins]` and the like are ignored on purpose; a section with a credential_process
        // line or sts_proc_* keys was meant as a profile.
        for (name, values) in config.ignoredConfigSections.sorted(by: { $0.key < $1.key })
        where !targets.contains(name) && config.profile(named: name) == nil
            && values.keys.contains(where: { $0 == "credential_process" || $0.hasPrefix(Profile.prefix) }) {
            if let report = ignoredSectionReport(name, callers: []) { reports.append(report) }
        }
        return reports
    }

    /// `profile` as sts-proc resolves it, and the profiles whose credential_process runs it.
    public func examine(profile: String, callers callerNames: [String]) -> DoctorReport {
        var report = DoctorReport(profile: profile, callers: callerNames, explanation: [], findings: [])
        for caller in callerNames { checkCaller(caller, target: profile, into: &report) }
        if config.profile(named: profile) == nil {
            if let ignored = ignoredSectionReport(profile, callers: callerNames) {
                report.findings += ignored.findings
                return report
            }
            if let unknown = unknownProfileFinding(profile, callers: callerNames) {
                report.findings.append(unknown)
                return report
            }
        }
        let plan: CredentialPlan
        do {
            plan = try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
        } catch {
            checkEnvironment(keysAreTheSource: false, into: &report)
            checkSettingNames(of: callerNames + [profile], into: &report)
            report.findings.append(.init(level: .problem, code: "configuration", text: error.message))
            return report
        }
        if case .environment = plan.source {
            checkEnvironment(keysAreTheSource: true, into: &report)
        } else {
            checkEnvironment(keysAreTheSource: false, into: &report)
        }
        checkSettingNames(of: callerNames + [profile] + plan.roles.map(\.profile), into: &report)
        explain(plan, into: &report)
        checkRegion(plan, callers: callerNames, into: &report)
        checkInputs(plan, into: &report)
        checkKeyring(plan, into: &report)
        return report
    }

    // MARK: - Explanation

    private func explain(_ plan: CredentialPlan, into report: inout DoctorReport) {
        var chain: [String] = []
        for step in plan.roles.reversed() {
            chain.append("AssumeRole \(step.parameters.roleARN) (profile \(step.profile), \(step.parameters.durationSeconds) s)")
        }
        if let mfa = plan.mfa {
            let codes: String
            switch mfa.codeSource {
            case .process(let command, _): codes = "codes from mfa_process \(ShellWords.programName(command))"
            case .terminal: codes = "codes asked for on the terminal"
            }
            chain.append("MFA session for \(mfa.serialNumber) (\(mfa.sessionSeconds) s, \(codes))")
        }
        switch plan.source {
        case .staticKeys(let credentials, let profile):
            chain.append("static keys of profile \(profile) (\(credentials.redactedAccessKeyID))")
        case .environment(let credentials):
            chain.append("AWS_ACCESS_KEY_ID from the environment (\(credentials.redactedAccessKeyID))")
        case .instanceMetadata(let endpoint): chain.append("EC2 instance metadata at \(endpoint.baseURL)")
        case .container(let endpoint): chain.append("container credentials at \(endpoint.url)")
        case .webIdentity(let source):
            chain.append("AssumeRoleWithWebIdentity \(source.roleARN) with the token from \(source.token)")
        case .saml(let source):
            chain.append("AssumeRoleWithSAML \(source.roleARN ?? "(the assertion's only role)") with the assertion from \(source.assertion)")
        case .storedKeys(let profile, _):
            chain.append("the access key of profile \(profile) in the keyring")
        case .process(let source):
            chain.append("credential_process of profile \(source.profile): \(ShellWords.programName(source.command))")
        case .sso(let source):
            chain.append("GetRoleCredentials \(source.roleDescription) from \(source.session.portalURL), token of \(source.session.description)")
        }
        report.explanation.append(("flow", chain.joined(separator: "\n            ← ")))
        report.explanation.append(("endpoint", "\(plan.endpoint.url) (from \(plan.endpoint.origin)), signing region \(plan.endpoint.signingRegion)"))
        if let bundle = plan.caBundlePath { report.explanation.append(("CA file", bundle)) }
        report.explanation.append(("retries", "up to \(plan.maxAttempts) attempts"))
        report.explanation.append(("deadline", "\(Int(plan.timeoutSeconds)) s for the whole run (sts_proc_timeout), under the Go SDKs' 60 s"))
        if !plan.cachePolicy.isEnabled {
            report.explanation.append(("cache", "off (sts_proc_cache = none): every call asks STS"))
        } else if !plan.obtainsTemporaryCredentials {
            report.explanation.append(("cache", "not used: the profile's own keys are printed"))
        } else if plan.cachePolicy.kernelOnly {
            report.explanation.append(("cache", "the kernel keyring only (sts_proc_cache = kernel); served while more than \(plan.cachePolicy.minimumTTL) s are left"))
        } else {
            report.explanation.append(("cache", "keyring; served while more than \(plan.cachePolicy.minimumTTL) s are left"))
        }
    }

    // MARK: - Checks

    /// `keysAreTheSource`: the profile's own `credential_source = Environment` uses the keys,
    /// so they are expected there; the SDKs must then get the profile with --profile.
    private func checkEnvironment(keysAreTheSource: Bool, into report: inout DoctorReport) {
        if environment.nonEmpty("AWS_ACCESS_KEY_ID") != nil || environment.nonEmpty("AWS_SECRET_ACCESS_KEY") != nil {
            report.findings.append(keysAreTheSource
                ? .init(level: .note, code: "environment-credentials",
                        text: "the keys in AWS_ACCESS_KEY_ID are this profile's source; give the SDKs the profile with --profile (with AWS_PROFILE they would use the keys directly)")
                : .init(level: .problem, code: "environment-credentials",
                        text: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are set: SDKs that take the profile from AWS_PROFILE (not --profile) use these keys and never run sts-proc; unset them"))
        }
        for name in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE", "AWS_REGION", "AWS_DEFAULT_REGION",
                     "AWS_STS_REGIONAL_ENDPOINTS", "AWS_USE_FIPS_ENDPOINT", "AWS_MAX_ATTEMPTS"] {
            if let value = environment.nonEmpty(name) {
                report.findings.append(.init(level: .note, code: "environment-override",
                                             text: "\(name)=\(value) is set and applies to this profile"))
            }
        }
        if let profile = environment.nonEmpty("AWS_PROFILE"), profile != report.profile {
            report.findings.append(.init(level: .note, code: "environment-override",
                                         text: "AWS_PROFILE=\(profile): commands without --profile use that profile"))
        }
    }

    private func checkRegion(_ plan: CredentialPlan, callers: [String], into report: inout DoctorReport) {
        let names = [plan.profile] + callers
        let hasRegion = names.contains { config.profile(named: $0)?.setting(.region) != nil }
            || environment.nonEmpty("AWS_REGION") != nil || environment.nonEmpty("AWS_DEFAULT_REGION") != nil
        if !hasRegion {
            report.findings.append(.init(
                level: .problem, code: "missing-region",
                text: "no region in [\(callers.first ?? plan.profile)], AWS_REGION or AWS_DEFAULT_REGION: STS calls go to us-east-1 and most AWS CLI commands will ask for a region; add region = …"))
        }
    }

    private func checkInputs(_ plan: CredentialPlan, into report: inout DoctorReport) {
        switch plan.source {
        case .webIdentity(let source):
            if case .file = source.token {
                do {
                    _ = try SecretInputReader.read(source.token, what: "web identity token", limit: SecretInputReader.tokenLimit)
                } catch {
                    report.findings.append(.init(level: .problem, code: "token-unreadable", text: error.message))
                }
            }
        case .saml(let source):
            guard case .file = source.assertion else { break }
            do {
                let text = try SecretInputReader.read(source.assertion, what: "SAML assertion", limit: SecretInputReader.assertionLimit)
                let assertion = try FederatedSignIn.parse(text, from: source.assertion)
                if let expiry = assertion.notOnOrAfter {
                    if expiry <= now {
                        report.findings.append(.init(level: .problem, code: "saml-assertion-expired",
                                                     text: "the SAML assertion expired at \(expiry.iso8601); sign in at the IdP again and save the new SAMLResponse"))
                    } else {
                        report.explanation.append(("SAML", "assertion valid until \(expiry.iso8601)"))
                    }
                }
                _ = try assertion.choose(roleARN: source.roleARN, principalARN: source.principalARN)
            } catch {
                report.findings.append(.init(level: .problem, code: "saml-assertion-unusable", text: error.message))
            }
        case .sso(let source):
            checkSSOToken(source, into: &report)
        default:
            break
        }
        checkStoredKeys(plan.source, into: &report)
        if let mfa = plan.mfa, mfa.codeSource == .terminal {
            report.findings.append(.init(level: .note, code: "mfa-terminal",
                                         text: "MFA codes will be asked for on the terminal; where there is none (CI, IDEs) set sts_proc_mfa_process"))
        }
    }

    /// Where the chain's long-term keys come from, and keys kept in two places.
    private func checkStoredKeys(_ source: SourceCredentials, into report: inout DoctorReport) {
        guard let profile = source.keysProfile else { return }
        let stored: StoredAccessKey?
        do {
            stored = try storedKey(profile)
        } catch .locked {
            if case .storedKeys = source {
                report.findings.append(.init(level: .problem, code: "keyring-unusable",
                                             text: "the access key of profile \(profile) is in a locked keyring: every call will fail until it is unlocked"))
            }
            return
        } catch {
            if case .storedKeys = source {
                report.findings.append(.init(level: .problem, code: "keyring-unusable",
                                             text: "the access key of profile \(profile) cannot be read: \(error.explanation)"))
            }
            return
        }
        switch (source, stored) {
        case (.storedKeys, let key?):
            report.explanation.append(("keys", "profile \(profile): \(StoredAccessKey.masked(key.credentials.accessKeyID)) in the keyring, created \(key.created.iso8601)"))
        case (.storedKeys, nil):
            report.findings.append(.init(level: .problem, code: "no-keys",
                                         text: "profile \(profile) has no keys in the files or the keyring; add them with sts-proc keys add --profile \(profile)"))
        case (.staticKeys, let key?):
            report.findings.append(.init(level: .problem, code: "keys-in-two-places",
                                         text: "profile \(profile) has keys in a file and \(StoredAccessKey.masked(key.credentials.accessKeyID)) in the keyring; the file's are used: remove one (sts-proc keys remove --profile \(profile), or the lines in the file)"))
        default:
            if case .staticKeys(let credentials, _) = source {
                report.explanation.append(("keys", "profile \(profile): \(credentials.redactedAccessKeyID) from a file in plain text (sts-proc keys import --profile \(profile) moves it to the keyring)"))
            }
        }
    }

    /// Which token file, its expiry, whether it can be refreshed, and the registration's expiry.
    private func checkSSOToken(_ source: SSOSource, into report: inout DoctorReport) {
        let cache = SSOTokenCache(environment: environment)
        let session = source.session
        let path = cache.tokenPath(for: session) ?? "(unknown: GLib missing)"
        let login = "run sts-proc sso login --profile \(source.profile)"
        switch cache.readToken(for: session) {
        case .missing:
            report.findings.append(.init(level: .problem, code: "sso-session-expired",
                                         text: "\(session.description) was never started (no \(path)); \(login)"))
        case .unreadable:
            report.findings.append(.init(level: .problem, code: "sso-session-expired",
                                         text: "\(path) is not a readable token file; \(login)"))
        case .token(let token):
            let refreshable = session.name != nil && token.isRefreshable(at: now)
            let left = now.seconds(until: token.expiresAt)
            var text = "token file \(path), " + (left > 0 ? "valid until \(token.expiresAt.iso8601)" : "expired at \(token.expiresAt.iso8601)")
            text += refreshable ? ", refreshable" : (session.name == nil ? ", not refreshable (legacy sso_start_url profile)" : ", not refreshable")
            if let registration = token.registrationExpiresAt { text += "; client registration until \(registration.iso8601)" }
            report.explanation.append(("SSO", text))
            if let url = token.startURL, url != session.startURL {
                report.findings.append(.init(level: .problem, code: "sso-session-expired",
                                             text: "\(path) holds a token of another start URL (\(url)); \(login)"))
            } else if left <= 0 && !refreshable {
                report.findings.append(.init(level: .problem, code: "sso-session-expired",
                                             text: "\(session.description) has expired; \(login)"))
            }
        }
    }

    private func checkKeyring(_ plan: CredentialPlan, into report: inout DoctorReport) {
        guard plan.cachePolicy.isEnabled, plan.obtainsTemporaryCredentials, !plan.cachePolicy.kernelOnly else { return }
        let entry = CacheEntry(profile: plan.profile, key: CacheKey(plan: plan), roleARN: plan.finalRoleARN ?? "")
        do {
            try store.probe()
            switch try store.lookup(entry, validAfter: now) {
            case .hit(let credentials):
                let left = credentials.expiration.map { now.seconds(until: $0) } ?? 0
                report.explanation.append(("keyring", "reachable and unlocked; cached credential has \(left / 60) min \(left % 60) s left"
                                           + (left <= Int64(plan.cachePolicy.minimumTTL) ? " (too little to be served; the next call refreshes it)" : "")))
            case .miss, .corrupt:
                report.explanation.append(("keyring", "reachable and unlocked; nothing cached yet for this profile"))
            }
        } catch {
            report.findings.append(.init(level: .problem, code: "keyring-unusable",
                                         text: "\(error.explanation): every call will ask STS (and MFA profiles will ask for a code each time)"))
        }
    }
}
