import FoundationEssentials

/// Where `keys add` reads a key from; never the command line.
public enum KeyInputSource: Sendable {
    /// Asked on `/dev/tty`, the secret without echo.
    case terminal
    /// Two lines (ID, secret), or the JSON that `aws iam create-access-key` prints.
    case standardInput
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    case environment
}

extension CredentialService {
    public struct ImportedKey: Sendable {
        public var profile: String
        public var accessKeyID: String
    }

    public struct ImportResult: Sendable {
        public var imported: [ImportedKey]
        public var path: String
        public var backupPath: String?
    }

    /// `keys add`: reads, checks, verifies (GetCallerIdentity) and stores a profile's key,
    /// then drops every cached credential derived from the profile.
    public func addKey(profile: String, from source: KeyInputSource,
                       verify: Bool) throws(STSProcError) -> (key: StoredAccessKey, identity: CallerIdentity?) {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(profile)
        }
        if let (_, path) = config.keysSection(of: profile) {
            throw STSProcError(.configuration, profile: profile, failure: "the profile already has keys in \(path)",
                               reason: "keys in a file are used before the keyring's",
                               remedy: "Move them with sts-proc keys import --profile \(profile)")
        }
        let credentials: AWSCredentials
        do {
            credentials = try readKey(from: source)
        } catch {
            throw error.inProfile(profile)
        }
        var identity: CallerIdentity?
        if verify { identity = try verifyKey(credentials, profile: profile, config: config) }
        let key = StoredAccessKey(profile: profile, credentials: credentials, created: now)
        do throws(KeyringFailure) {
            try AccessKeyStore(timeLimit: 10).store(key)
        } catch {
            throw keyringError(error, profile: profile, doing: "store the key")
        }
        dropDerivedCredentials(of: profile, config: config)
        return (key, identity)
    }

    /// `keys list`: every stored key, without secrets.
    public func storedKeys() throws(STSProcError) -> [StoredAccessKey] {
        do throws(KeyringFailure) {
            return try AccessKeyStore(timeLimit: 10).list()
        } catch {
            throw keyringError(error, profile: nil, doing: "list the stored keys")
        }
    }

    /// `keys remove`: the stored key and what was derived from it.
    public func removeKey(profile: String) throws(STSProcError) {
        let removed: Bool
        do throws(KeyringFailure) {
            removed = try AccessKeyStore(timeLimit: 10).remove(profile: profile)
        } catch {
            throw keyringError(error, profile: profile, doing: "remove the key")
        }
        guard removed else {
            throw STSProcError(.configuration, profile: profile, failure: "no key is stored for this profile",
                               reason: "the keyring holds no access key of profile \(profile)", remedy: "See sts-proc keys list")
        }
        if let config = try? SharedConfig.load(environment: environment) { dropDerivedCredentials(of: profile, config: config) }
    }

    /// `keys import`: moves long-term keys out of the credentials file into the keyring;
    /// stored first, then the file rewritten without them (atomically, the previous file
    /// kept as a 0600 backup). `profiles` nil: every section with long-term keys.
    public func importKeys(profiles: [String]?) throws(STSProcError) -> ImportResult {
        let config = try SharedConfig.load(environment: environment)
        let path = config.credentialsPath
        let candidates = profiles ?? config.credentialsFileProfiles.keys.sorted()
        var moving: [(String, AWSCredentials, [String: INIValue])] = []
        for name in candidates {
            guard let values = config.credentialsFileProfiles[name] else {
                throw STSProcError(.configuration, profile: name, failure: "nothing to import",
                                   reason: "\(path) has no [\(name)] section", remedy: "See sts-proc keys list, or check --profile")
            }
            let section = Profile(name: name, values: values)
            guard let keyID = try section.presentSetting(.accessKeyID),
                  let secret = try section.presentSetting(.secretAccessKey) else {
                if profiles == nil { continue }
                throw STSProcError(.configuration, profile: name, failure: "nothing to import",
                                   reason: "[\(name)] in \(path) holds no aws_access_key_id and aws_secret_access_key",
                                   remedy: "Use sts-proc keys add --profile \(name) to store a key")
            }
            let sessionToken = try section.presentSetting(.sessionToken)
            let securityToken = try section.presentSetting(.securityToken)
            let temporary = sessionToken != nil || securityToken != nil
            if temporary {
                if profiles == nil { continue }
                throw STSProcError(.configuration, profile: name, failure: "refusing to import temporary keys",
                                   reason: "[\(name)] has a session token: its keys expire", remedy: "Import long-term keys only")
            }
            let credentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret)
            if let problem = CredentialCheck.problem(credentials) {
                throw STSProcError(.configuration, profile: name, failure: "unusable keys in \(path)", reason: problem,
                                   remedy: "Fix them in the file, then import again")
            }
            // Checked before anything is stored: the section is rewritten from its text values.
            if values.contains(where: { if case .nested = $0.value { true } else { false } }) {
                throw STSProcError(.configuration, profile: name, failure: "refusing to rewrite [\(name)]",
                                   reason: "it holds indented sub-settings, which sts-proc does not rewrite",
                                   remedy: "Move the keys by hand, or the sub-settings to the config file, then import again")
            }
            moving.append((name, credentials, values))
        }
        // Stored first: a failure here leaves the file as it was.
        for (name, credentials, _) in moving {
            do throws(KeyringFailure) {
                try AccessKeyStore(timeLimit: 10).store(StoredAccessKey(profile: name, credentials: credentials, created: now))
            } catch {
                throw keyringError(error, profile: name, doing: "store the key")
            }
        }
        var result = ImportResult(imported: moving.map { ImportedKey(profile: $0.0, accessKeyID: $0.1.accessKeyID) },
                                  path: path, backupPath: nil)
        guard !moving.isEmpty else { return result }
        let keyNames: Set<String> = ["aws_access_key_id", "aws_secret_access_key", "sts_proc_aws_access_key_id",
                                     "sts_proc_aws_secret_access_key"]
        let written = try SharedFileWriter.editLocked(path) { () throws(STSProcError) -> (String, String?) in
            let previous = try ConfigFileReader.read(path, kind: "credentials file") ?? ""
            var text = previous
            let defaults = try INIParser.parseFile(text, path: path).defaults
            for (name, _, _) in moving {
                let current = try SharedFileEditor.values(ofSection: name, in: text, path: path)
                // Inherited from [DEFAULT]: not the section's own, so not written into it.
                let rest = current.filter { !keyNames.contains($0.key) && defaults[$0.key] != .text($0.value) }
                    .sorted { $0.key < $1.key }
                if rest.isEmpty {
                    text = try SharedFileEditor.removingSection(name, in: text, path: path)
                } else {
                    text = try SharedFileEditor.replacingSection(
                        .init(name: name, comment: "Keys moved to the keyring by sts-proc keys import.",
                              values: rest.map { (key: $0.key, value: $0.value) }), in: text, path: path)
                }
            }
            return (text, previous)
        }
        result.backupPath = written.backupPath
        for (name, _, _) in moving { dropDerivedCredentials(of: name, config: config) }
        return result
    }

    // MARK: - Parts

    private func readKey(from source: KeyInputSource) throws(STSProcError) -> AWSCredentials {
        let keyID: String, secret: String
        switch source {
        case .environment:
            guard let id = environment.nonEmpty("AWS_ACCESS_KEY_ID"), let value = environment.nonEmpty("AWS_SECRET_ACCESS_KEY") else {
                throw STSProcError(.configuration, failure: "no key in the environment",
                                   reason: "AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is not set", remedy: "Export both, or use --stdin")
            }
            (keyID, secret) = (id, value)
        case .standardInput:
            let bytes: [UInt8]
            do {
                bytes = try BoundedFileReader.read(descriptor: 0, limit: 64 << 10)
            } catch {
                throw STSProcError(.configuration, failure: "cannot read standard input", reason: error.explanation,
                                   remedy: "Pipe the key ID and the secret as two lines, or the JSON of aws iam create-access-key")
            }
            (keyID, secret) = try Self.parseKeyInput(String(decoding: bytes, as: UTF8.self))
        case .terminal:
            let noTerminal = STSProcError(.configuration, failure: "there is no terminal to ask for the key on",
                                          reason: "standard input and /dev/tty are not a terminal here",
                                          remedy: "Use --stdin (two lines, or the JSON of aws iam create-access-key) or --env")
            keyID = try TerminalPrompt.ask("Access key ID: ", timeLimit: 300, unavailable: noTerminal)
            secret = try TerminalPrompt.ask("Secret access key: ", echo: false, timeLimit: 300, unavailable: noTerminal)
        }
        let credentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret)
        if let problem = CredentialCheck.problem(credentials) {
            throw STSProcError(.configuration, failure: "not an access key", reason: problem,
                               remedy: "Copy the key ID and the secret again, without quotes or spaces")
        }
        guard keyID.count >= 16, !keyID.hasPrefix("ASIA") else {
            throw STSProcError(.configuration, failure: "not a long-term access key",
                               reason: keyID.hasPrefix("ASIA") ? "ASIA… keys are temporary and need a session token"
                                                               : "an access key ID has at least 16 characters",
                               remedy: "Store an IAM user's key (AKIA…)")
        }
        return credentials
    }

    /// Two lines, or `{"AccessKey": {"AccessKeyId", "SecretAccessKey", …}}`.
    static func parseKeyInput(_ text: String) throws(STSProcError) -> (String, String) {
        struct Created: Decodable {
            struct Key: Decodable { var AccessKeyId: String; var SecretAccessKey: String }
            var AccessKey: Key
        }
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("{") {
            guard let created = try? JSONDecoder().decode(Created.self, from: Data(trimmed.utf8)) else {
                throw STSProcError(.configuration, failure: "unreadable key input",
                                   reason: "the JSON on standard input has no AccessKey.AccessKeyId and AccessKey.SecretAccessKey",
                                   remedy: "Pipe the output of aws iam create-access-key as it is")
            }
            return (created.AccessKey.AccessKeyId, created.AccessKey.SecretAccessKey)
        }
        let lines = trimmed.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard lines.count == 2 else {
            throw STSProcError(.configuration, failure: "unreadable key input",
                               reason: "standard input holds \(lines.count) lines, not the key ID and the secret",
                               remedy: "Pipe two lines: the access key ID, then the secret access key")
        }
        return (lines[0], lines[1])
    }

    private func verifyKey(_ credentials: AWSCredentials, profile: String,
                           config: SharedConfig) throws(STSProcError) -> CallerIdentity {
        let settings = config.profile(named: profile) ?? Profile(name: profile, values: [:])
        let connection: ConnectionSettingsReader.Result
        do {
            connection = try ConnectionSettingsReader(profile: settings, config: config, environment: environment).read()
        } catch {
            throw error.inProfile(profile)
        }
        let transport = try Self.makeTransport(profile: profile)
        let client = STSClient(connection: STSConnectionSettings(endpoint: connection.endpoint, caBundlePath: connection.caBundlePath,
                                                                 maxAttempts: connection.maxAttempts), transport: transport)
        do {
            return try client.getCallerIdentity(using: credentials)
        } catch {
            var refused = error.inProfile(profile)
            refused.failure = "the key was not stored: " + refused.failure
            throw refused
        }
    }

    /// Every cached credential whose chain starts from `profile`'s keys.
    func dropDerivedCredentials(of profile: String, config: SharedConfig) {
        let builder = PlanBuilder(config: config, environment: environment, now: now)
        var names: Set<String> = [profile]
        for name in config.profiles.keys {
            if let plan = try? builder.makePlan(profileName: name), plan.source.keysProfile == profile { names.insert(name) }
        }
        for name in names { try? clearCache(profile: name) }
    }

    private func keyringError(_ error: KeyringFailure, profile: String?, doing what: String) -> STSProcError {
        let remedy = error == .locked ? "Unlock the keyring (log in to the desktop, or gnome-keyring-daemon --unlock) and try again"
                                      : "Start a Secret Service (see the README's troubleshooting)"
        return STSProcError(.configuration, profile: profile, command: profile == nil ? "keys" : nil,
                            failure: "cannot \(what)", reason: error.explanation, remedy: remedy)
    }
}

extension STSProcError {
    init(_ kind: Kind, profile: String?, command: String?, failure: String, reason: String, remedy: String) {
        self.init(kind, profile: profile, failure: failure, reason: reason, remedy: remedy)
        self.command = command
    }
}

extension CredentialService {
    public struct RotateResult: Sendable {
        public var newKeyID: String
        public var oldKeyID: String
    }

    /// `keys rotate`: a new key for the stored key's user, stored, derived sessions dropped,
    /// then the old key deleted with the new one (IAM takes a few seconds to accept a new
    /// key). A working key is never lost: a store that fails deletes the new key again, and
    /// an old key that cannot be deleted yet stays recorded for the next rotate to finish.
    public func rotateKey(profile: String, useSession: Bool) throws(STSProcError) -> RotateResult {
        do {
            return try rotate(profile: profile, useSession: useSession)
        } catch {
            throw error.inProfile(profile)
        }
    }

    private func rotate(profile: String, useSession: Bool) throws(STSProcError) -> RotateResult {
        let pause = { (seconds: Double) in JitteredBackoff().sleep(seconds: seconds) }
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error
        }
        if let (_, path) = config.keysSection(of: profile) {
            throw STSProcError(.configuration, profile: profile, failure: "the profile's keys are in \(path)",
                               reason: "keys rotate replaces the key stored in the keyring",
                               remedy: "Move them first with sts-proc keys import --profile \(profile)")
        }
        let store = AccessKeyStore(timeLimit: 10)
        let found: StoredAccessKey?
        do throws(KeyringFailure) {
            found = try store.load(profile: profile)
        } catch {
            throw keyringError(error, profile: profile, doing: "read the key")
        }
        guard let stored = found else {
            throw STSProcError(.configuration, profile: profile, failure: "no key is stored for this profile",
                               reason: "the keyring holds no access key of profile \(profile)", remedy: "Add one with sts-proc keys add")
        }
        let plan = try? PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
        let settings = config.profile(named: profile) ?? Profile(name: profile, values: [:])
        let configured = EndpointSettings(
            serviceEnvironmentURL: environment.nonEmpty("AWS_ENDPOINT_URL_IAM"), globalEnvironmentURL: environment.nonEmpty("AWS_ENDPOINT_URL"),
            servicesSectionURL: settings.setting(.services).flatMap { config.serviceSettings(section: $0, service: "iam")?["endpoint_url"] },
            profileURL: settings.setting(.endpointURL),
            ignoreConfiguredURLs: SettingParsers.boolean(environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")),
            region: plan?.endpoint.signingRegion ?? "us-east-1")
        let transport = try Self.makeTransport(profile: profile)
        let iam = IAMClient(endpoint: try IAMClient.endpoint(region: configured.region, configured: configured),
                            caBundlePath: plan?.caBundlePath, transport: transport)
        // IAM policies that demand MFA: the calls are signed with an MFA session.
        var signer = stored.credentials
        if useSession, let plan, let mfa = plan.mfa, plan.source.keysProfile == profile {
            let code = try MFACodeReader.code(for: mfa)
            signer = try STSClient(connection: PlanExecutor(transport: transport, now: now).connection(for: plan), transport: transport)
                .getSessionToken(serialNumber: mfa.serialNumber, code: code, durationSeconds: 900, using: stored.credentials)
                
        }
        // A rotate that stopped before deleting its old key finishes that first.
        if let leftover = stored.replaces {
            try? iam.deleteAccessKey(leftover, using: signer)
        }
        let created = try iam.createAccessKey(using: signer)
        do throws(KeyringFailure) {
            try store.store(StoredAccessKey(profile: profile, credentials: created, created: now,
                                            replaces: stored.credentials.accessKeyID))
        } catch {
            // A store that ran out of time may still have landed: never delete a stored key.
            let landed = (try? store.load(profile: profile))??.credentials.accessKeyID == created.accessKeyID
            if !landed {
                try? iam.deleteAccessKey(created.accessKeyID, using: signer)
                throw keyringError(error, profile: profile, doing: "store the new key (it was deleted again; the old key still works)")
            }
        }
        dropDerivedCredentials(of: profile, config: config)
        var lastError: STSProcError?
        let deadline = MonotonicClock.now() + 20
        repeat {
            do throws(STSProcError) {
                // Under an MFA session (policies that demand MFA) the session signs the delete.
                try iam.deleteAccessKey(stored.credentials.accessKeyID, using: signer == stored.credentials ? created : signer)
                lastError = nil
                break
            } catch {
                lastError = error
                pause(2)
            }
        } while MonotonicClock.now() < deadline
        if var failure = lastError {
            failure.profile = profile
            failure.failure = "the new key is stored, but the old key \(StoredAccessKey.masked(stored.credentials.accessKeyID)) was not deleted: " + failure.failure
            failure.remedy = "Run sts-proc keys rotate --profile \(profile) again to finish, or delete the old key in IAM"
            throw failure
        }
        try? store.store(StoredAccessKey(profile: profile, credentials: created, created: now))
        return RotateResult(newKeyID: created.accessKeyID, oldKeyID: stored.credentials.accessKeyID)
    }
}

