/// The library's front door: what the commands call. Wires the real file reader and
/// libcurl into the pure parts.
public struct CredentialService {
    public let environment: [String: String]
    public let now: UTCTime

    public init(environment: [String: String], now: UTCTime) {
        self.environment = environment
        self.now = now
    }

    /// The profile named on the command line, else `AWS_PROFILE`, else `default` (as the AWS CLI).
    public func profileName(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["AWS_PROFILE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "default"
    }

    public func plan(profile: String) throws(STSProcError) -> CredentialPlan {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(profile)
        }
        return try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
    }

    /// The profile's credentials: from the keyring cache when fresh, else from STS.
    /// `note` receives one-line remarks for stderr (e.g. keyring unavailable) that do not
    /// make the run fail.
    public func credentials(profile: String, refresh: Bool = false,
                            note: @escaping (String) -> Void) throws(STSProcError) -> AWSCredentials {
        let plan = try plan(profile: profile)
        let cache = KeyringCache(store: SecretServiceStore(), lockFolder: RefreshLock.folder(environment: environment),
                                 note: note, kernel: plan.cachePolicy.usesKernelKeyring ? KernelKeyringCache() : nil,
                                 now: now)
        let now = self.now
        let provider = CachingCredentialProvider(cache: cache, now: now, fetch: { plan throws(STSProcError) in
            try Self.fetch(plan, now: now, mfaSessions: KeyringMFASessions(cache: cache, now: now))
        })
        return try provider.credentials(for: plan, refresh: refresh)
    }

    /// Runs the plan against STS; the only place libcurl gets loaded.
    static func fetch(_ plan: CredentialPlan, now: UTCTime, mfaSessions: MFASessionProvider) throws(STSProcError) -> AWSCredentials {
        if plan.roles.isEmpty, plan.mfa == nil, let given = plan.source.givenCredentials { return given }
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            throw STSProcError(.unavailable, profile: plan.profile, failure: "cannot start the HTTP client",
                               reason: error.explanation, remedy: "Install libcurl4 (apt-get install libcurl4)")
        }
        return try PlanExecutor(transport: transport, now: now, mfaSessions: mfaSessions).execute(plan)
    }

    // MARK: - cache list / cache clear

    public func cachedCredentials() throws(KeyringFailure) -> [CacheListing] {
        try SecretServiceStore(timeLimit: 5).list()
    }

    public func clearCache(profile: String?) throws(KeyringFailure) {
        KernelKeyringCache().removeAll(profile: profile)
        try SecretServiceStore(timeLimit: 5).remove(profile: profile)
    }
}

// MARK: - saml roles

extension CredentialService {
    /// The role/provider pairs and expiry of an assertion in a file, or on stdin for "-".
    public func samlAssertion(file path: String) throws(STSProcError) -> SAMLAssertion {
        let input: SecretInput = path == "-" ? .file("/dev/stdin", setting: "stdin") : .file(path, setting: "--assertion-file")
        let text: String
        if path == "-" {
            text = try StandardInput.read(limit: SecretInputReader.assertionLimit, what: "SAML assertion")
        } else {
            text = try SecretInputReader.read(input, what: "SAML assertion", limit: SecretInputReader.assertionLimit)
        }
        return try FederatedSignIn.parse(text, from: input)
    }
}

// MARK: - write / whoami

extension CredentialService {
    public struct WriteResult: Sendable {
        public var path: String
        public var backupPath: String?
        public var expiration: UTCTime?
    }

    /// Puts the profile's credentials into section `[section]` of the shared credentials
    /// file, for tools that cannot run credential_process.
    public func writeCredentials(profile: String, section: String, force: Bool,
                                 note: @escaping (String) -> Void) throws(STSProcError) -> WriteResult {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(profile)
        }
        guard !section.isEmpty, !section.contains("]"), !section.contains("\n") else {
            throw STSProcError(.configuration, profile: profile, failure: "invalid --to",
                               reason: "'\(section)' cannot be a section name", remedy: "Use a plain profile name")
        }
        let path = config.credentialsPath
        func readCurrent() throws(STSProcError) -> String? {
            try ConfigFileReader.read(path, kind: "credentials file")
        }
        func refuseLongTermKeys(in text: String?) throws(STSProcError) {
            let existing = CredentialsFileEditor.values(ofSection: section, in: text ?? "")
            if !force, let keyID = existing["aws_access_key_id"], existing["aws_session_token"] == nil {
                throw STSProcError(.configuration, profile: profile, failure: "refusing to overwrite long-term keys",
                                   reason: "[\(section)] in \(path) holds the long-term key \(AWSCredentials(accessKeyID: keyID, secretAccessKey: "").redactedAccessKeyID)",
                                   remedy: "Choose another --to name, or add --force (a backup is kept either way)")
            }
        }
        if !force, let target = config.profile(named: section), let command = target.setting("credential_process"),
           DoctorCommandLine.callsSTSProc(command) {
            throw STSProcError(.configuration, profile: profile, failure: "refusing to shadow profile \(section)",
                               reason: "[\(section)] runs sts-proc through credential_process, and the SDKs read keys in the credentials file first: it would use these keys until they expire and then fail",
                               remedy: "Choose another --to name, or add --force")
        }
        do {
            try refuseLongTermKeys(in: try readCurrent())
        } catch {
            throw error.inProfile(profile)
        }
        // Fetched before the file is read for editing: an MFA prompt or a slow STS must not
        // hold an old copy of the file that then overwrites edits made meanwhile.
        let credentials = try self.credentials(profile: profile, note: note)
        var lines = ["[\(section)]"]
        lines.append("# Written by sts-proc from profile \(profile)"
                     + (credentials.expiration.map { "; expires \($0.iso8601)" } ?? "") + ".")
        lines.append("aws_access_key_id = \(credentials.accessKeyID)")
        lines.append("aws_secret_access_key = \(credentials.secretAccessKey)")
        if let token = credentials.sessionToken { lines.append("aws_session_token = \(token)") }
        do {
            let written = try CredentialsFileWriter.editLocked(path) { () throws(STSProcError) -> (String, String?) in
                let previous = try readCurrent()
                try refuseLongTermKeys(in: previous)
                return (CredentialsFileEditor.replacingSection(section, in: previous ?? "", with: lines), previous)
            }
            return WriteResult(path: written.path, backupPath: written.backupPath, expiration: credentials.expiration)
        } catch {
            throw error.inProfile(profile)
        }
    }

    public struct CallerIdentity: Sendable, Equatable {
        public var account: String
        public var arn: String
        public var userID: String
    }

    /// GetCallerIdentity with the profile's credentials: who the SDKs will be.
    public func callerIdentity(profile: String, note: @escaping (String) -> Void) throws(STSProcError) -> CallerIdentity {
        let plan = try plan(profile: profile)
        let credentials = try self.credentials(profile: profile, note: note)
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            throw STSProcError(.unavailable, profile: profile, failure: "cannot start the HTTP client", reason: error.explanation)
        }
        let client = STSClient(connection: PlanExecutor(transport: transport, now: now).connection(for: plan), transport: transport)
        do {
            let identity = try client.getCallerIdentity(using: credentials)
            return CallerIdentity(account: identity.account, arn: identity.arn, userID: identity.userID)
        } catch {
            throw error.inProfile(profile)
        }
    }
}

// MARK: - doctor

extension CredentialService {
    /// Reports for one profile, or for every profile some credential_process runs sts-proc for.
    public func doctor(profile: String?) throws(STSProcError) -> [DoctorReport] {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw profile.map { error.inProfile($0) } ?? error
        }
        let doctor = Doctor(config: config, environment: environment, now: now, store: SecretServiceStore())
        if let profile { return [doctor.examine(profile: profile)] }
        var targets: [String] = []
        for (_, target) in doctor.callers() where !targets.contains(target) { targets.append(target) }
        return targets.map { doctor.examine(profile: $0) }
    }
}
