/// Checks of the profile an SDK loads (the one holding the credential_process line) and of
/// the profile its line names: what the SDK does before sts-proc ever runs.
extension Doctor {
    /// Keys that make the SDKs use a provider of their own before credential_process.
    static let keysThatPreemptCredentialProcess: [SettingKey] = [
        .accessKeyID, .roleARN, .webIdentityTokenFile, .ssoSession, .ssoStartURL, .ssoAccountID, .ssoRoleName,
    ]

    func checkCaller(_ caller: String, target: String, into report: inout DoctorReport) {
        guard let profile = config.profile(named: caller) else { return }
        for key in Self.keysThatPreemptCredentialProcess where profile.hasPlainSetting(key) {
            let remedy = key == .accessKeyID
                ? "remove the keys from [\(caller)] (in the credentials or config file)"
                : "rename it to \(key.prefixed)"
            report.findings.append(.init(
                level: .problem, code: "sdk-skips-credential-process",
                text: "[\(caller)] sets plain \(key): the AWS CLI and SDKs use their own provider for it and never run credential_process; \(remedy)"))
        }
        guard let command = profile.botocoreSetting("credential_process") else { return }
        let program = ShellWords.programName(command)
        if !program.hasPrefix("/"), program.contains("/") {
            // botocore splits the line and runs it without a shell: a relative path is looked
            // up from whatever directory the SDK's process happens to be in.
            report.findings.append(.init(
                level: .problem, code: "relative-program-path",
                text: "[\(caller)] credential_process runs \(program), a path relative to the working directory of each SDK process, so what runs depends on where it was started; use an absolute path, or sts-proc alone if it is on PATH"))
        } else if !CredentialProcessLine.programExists(command, environment: environment) {
            report.findings.append(.init(
                level: .problem, code: "program-not-found",
                text: "[\(caller)] credential_process runs \(program), which is not an executable on PATH; use an absolute path"))
        }
        if CredentialProcessLine.targetProfile(command).map({ $0.isEmpty }) ?? true {
            report.findings.append(.init(
                level: .problem, code: "no-profile-argument",
                text: "[\(caller)] credential_process runs sts-proc without --profile, so it fails unless AWS_PROFILE is set, and then serves that profile (here \(target)), not [\(caller)]'s settings; add --profile \(caller) (or the profile it should serve)"))
        }
        for refusal in BotocoreRefusals.check(profile, environment: environment) {
            let setting = refusal.origin.hasPrefix("AWS_") ? refusal.origin : "\(refusal.origin) in [\(caller)]"
            report.findings.append(.init(
                level: .problem, code: "botocore-refuses",
                text: "\(setting) is '\(refusal.value)', which botocore refuses (\(refusal.exception)) before it runs credential_process; set \(refusal.expected)"))
        }
    }

    /// `[NAME]` in the config file, which botocore ignores: only `[profile NAME]` (and
    /// `[default]`) are profiles there. nil when there is no such section.
    func ignoredSectionReport(_ name: String, callers: [String]) -> DoctorReport? {
        // `[profile a b]` is ignored too, but is no missing prefix.
        guard config.ignoredConfigSections[name] != nil, SectionName.words(name)?.count == 1,
              !["profile", "sso-session", "services"].contains(where: { name.hasPrefix($0) }) else { return nil }
        return DoctorReport(profile: name, callers: callers, explanation: [], findings: [.init(
            level: .problem, code: "missing-profile-prefix",
            text: "[\(name)] in \(config.configPath) is not a profile: the AWS CLI and sts-proc read [profile \(name)] in the config file and ignore [\(name)]; rename the section to [profile \(name)]")])
    }

    /// A profile no file defines and the keyring holds no key for; nil when the keyring has
    /// one (`keys add`) or cannot say (the plan's checks then report the keyring).
    func unknownProfileFinding(_ name: String, callers: [String]) -> DoctorReport.Finding? {
        let stored: StoredAccessKey?
        do {
            stored = try storedKey(name)
        } catch {
            return nil
        }
        guard stored == nil else { return nil }
        let nearest = SettingNameCheck.nearest(name, among: config.profiles.keys.sorted())
        let named = callers.isEmpty ? "" : " (named by --profile in the credential_process of \(callers.map { "[\($0)]" }.joined(separator: ", ")))"
        let remedy = nearest.map { "did you mean \($0)? Fix the name" } ?? "fix the name, or add [profile \(name)] to \(config.configPath)"
        return .init(level: .problem, code: "unknown-profile",
                     text: "there is no profile \(name)\(named) in \(config.configPath) or \(config.credentialsPath), and the keyring holds no key for it; \(remedy)")
    }

    /// `sts_proc_*` keys sts-proc does not read (silently ignored otherwise).
    func checkSettingNames(of profiles: [String], into report: inout DoctorReport) {
        var seen: [String] = []
        for name in profiles where !seen.contains(name) {
            seen.append(name)
            guard let profile = config.profile(named: name) else { continue }
            for (key, nearest) in SettingNameCheck.unknownKeys(of: profile) {
                report.findings.append(.init(
                    level: .problem, code: "unknown-setting",
                    text: "[\(name)] sets \(key), which sts-proc does not know and ignores; " + (nearest.map { "did you mean \($0)?" } ?? "see the README's Settings for the names")))
            }
        }
    }
}
