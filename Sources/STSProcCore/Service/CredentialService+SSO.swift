import Glibc

extension CredentialService {
    /// The session a command names: `--sso-session S`, or the one the profile uses.
    public func ssoSession(profile: String?, sessionName: String?) throws(STSProcError) -> SSOSession {
        let config = try SharedConfig.load(environment: environment)
        let reader = SSOSettingsReader(config: config, environment: environment)
        if let sessionName { return try reader.session(named: sessionName, profile: nil) }
        let name = profileName(explicit: profile)
        guard let found = config.profile(named: name) else {
            throw STSProcError(.configuration, profile: name, failure: "profile not found",
                               reason: "there is no profile '\(name)' in \(config.configPath)",
                               remedy: "Check --profile, or name the session with --sso-session")
        }
        do {
            return try reader.session(of: found)
        } catch {
            throw error.inProfile(name)
        }
    }

    /// Logs in and writes the token to the shared cache: the authorization-code flow with
    /// PKCE for `[sso-session]` sessions, the device-code flow for legacy profiles or when
    /// asked (the AWS CLI v2's choice). `show` gets the URL to visit and, for the device
    /// flow, the code to confirm.
    public func ssoLogin(_ session: SSOSession, profile: String?, useDeviceCode: Bool,
                         show: @escaping (_ url: String, _ userCode: String?) -> Void) throws(STSProcError) -> SSOToken {
        // One login per session at a time (the refresh lock is another file: a login must
        // not block credential_process callers, which keep using the old token meanwhile).
        let lockName = "sso-login-" + CacheKey.shortHash(session.tokenCacheKey)
        guard case .acquired(let lock, _) = RefreshLock.acquire(name: lockName, folder: RefreshLock.folder(environment: environment),
                                                                 timeLimit: 0) else {
            throw STSProcError(.configuration, profile: profile, failure: "another login to \(session.description) is running",
                               reason: "sts-proc sso login holds its lock", remedy: "Finish that login, or stop it and try again")
        }
        defer { lock.release() }
        let transport = try Self.makeTransport(profile: profile ?? "")
        let client = SSOClient(session: session, transport: transport)
        let cache = SSOTokenCache(environment: environment)
        let wallClock = { UTCTime(secondsSinceEpoch: Self.wallClockSeconds()) }
        if session.name != nil && !useDeviceCode {
            return try SSOAuthorizationCodeLogin(session: session, client: client, cache: cache, show: { show($0, nil) },
                                                 wallClock: wallClock).run(profile: profile)
        }
        return try SSODeviceLogin(session: session, client: client, cache: cache, show: { show($0, $1) },
                                  wallClock: wallClock).run(profile: profile)
    }

    /// Ends sessions: the portal's Logout (errors ignored, as the AWS CLI does), then the
    /// token file and every cached credential of the SSO profiles that used it. Client
    /// registrations stay. Returns the start URLs logged out of.
    public func ssoLogout(_ sessions: [SSOSession]?) throws(STSProcError) -> [String] {
        let cache = SSOTokenCache(environment: environment)
        let transport = try? Self.makeTransport(profile: "")
        var done: [String] = []
        let targets: [(path: String, token: SSOToken, session: SSOSession?)]
        if let sessions {
            targets = sessions.compactMap { session in
                guard case .token(let token) = cache.readToken(for: session), let path = cache.tokenPath(for: session) else { return nil }
                return (path, token, session)
            }
        } else {
            targets = cache.allTokenFiles().map { ($0.path, $0.token, nil) }
        }
        for target in targets {
            if let transport, let session = target.session ?? portalSession(for: target.token) {
                try? SSOClient(session: session, transport: transport).logout(accessToken: target.token.accessToken)
            }
            if unlink(target.path) == 0 { done.append(target.token.startURL ?? target.path) }
        }
        // Role credentials obtained with these sessions must not outlive the logout.
        let config = try SharedConfig.load(environment: environment)
        for name in config.profiles.keys {
            guard let plan = try? PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: name),
                  case .sso(let source) = plan.source,
                  sessions.map({ $0.contains { $0.tokenCacheKey == source.session.tokenCacheKey } }) ?? true else { continue }
            try? clearCache(profile: name)
        }
        return done
    }

    /// Every account and role the session's token may use.
    public func ssoAccounts(_ session: SSOSession, profile: String?) throws(STSProcError) -> [(account: String, name: String, role: String)] {
        let transport = try Self.makeTransport(profile: profile ?? "")
        let client = SSOClient(session: session, transport: transport)
        let tokens = SSOTokenProvider(session: session, profile: profile, cache: SSOTokenCache(environment: environment),
                                      lockFolder: RefreshLock.folder(environment: environment), now: now,
                                      makeClient: { () throws(STSProcError) in client })
        let accessToken = try tokens.accessToken()
        var rows: [(String, String, String)] = []
        do {
            for account in try client.accounts(accessToken: accessToken) {
                for role in try client.roles(accessToken: accessToken, accountID: account.accountId) {
                    rows.append((account.accountId, account.accountName ?? "", role))
                }
            }
        } catch .service(401, _, _) {
            throw STSProcError(.configuration, profile: profile, failure: "\(session.description) has expired (or was never started)",
                               reason: "the portal no longer accepts its token",
                               remedy: "run sts-proc sso login " + (profile.map { "--profile \($0)" } ?? "--sso-session \(session.name ?? "NAME")"))
        } catch {
            throw SSOErrors.explain(error, operation: "ListAccounts", session: session, profile: profile)
        }
        return rows.sorted { ($0.0, $0.2) < ($1.0, $1.2) }
    }

    /// A session good enough to call Logout for a token found on disk (its region).
    private func portalSession(for token: SSOToken) -> SSOSession? {
        guard let region = token.region, let url = token.startURL else { return nil }
        let portal = environment.nonEmpty("AWS_ENDPOINT_URL_SSO") ?? "https://portal.sso.\(region).amazonaws.com"
        return SSOSession(name: nil, startURL: url, region: region, scopes: nil, oidcURL: "", portalURL: portal,
                          caBundlePath: environment.nonEmpty("AWS_CA_BUNDLE"), maxAttempts: 1)
    }

    static func wallClockSeconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}

extension CredentialService {
    public struct PopulateResult: Sendable {
        public var configPath: String
        public var backupPath: String?
        public var written: [String]
        public var removed: [String]
        /// Profiles of the same name that this command did not write: left alone.
        public var skipped: [String]
    }

    /// Writes one profile per account and role of `[sso-session NAME]` into the config file
    /// (atomically, the previous file kept as `.bak`), replacing the profiles an earlier run
    /// wrote and removing those whose role is gone; sections it did not write are never touched.
    public func ssoPopulate(sessionName: String, prefix: String, region: String?,
                            executable: String) throws(STSProcError) -> PopulateResult {
        let session = try ssoSession(profile: nil, sessionName: sessionName)
        let rows = try ssoAccounts(session, profile: nil)
        let plan = SSOPopulatePlan(sessionName: sessionName, prefix: prefix, region: region ?? session.region,
                                   executable: SSOPopulatePlan.quotedForShell(executable))
        let wanted = plan.sections(for: rows.map { SSOPopulatePlan.Row(accountID: $0.account, accountName: $0.name, role: $0.role) })
        let config = try SharedConfig.load(environment: environment)
        var result = PopulateResult(configPath: config.configPath, backupPath: nil, written: [], removed: [], skipped: [])
        let written = try SharedFileWriter.editLocked(config.configPath, kind: "config file") { () throws(STSProcError) -> (String, String?) in
            let previous = try ConfigFileReader.read(config.configPath, kind: "config file")
            var text = previous ?? ""
            let existing = try INIParser.parse(text, path: config.configPath).map(\.name)
            func isOurs(_ name: String) -> Bool {
                SharedFileEditor.leadingComments(ofSection: name, in: text).first == plan.marker
            }
            for name in existing where isOurs(name) && !wanted.contains(where: { $0.name == name }) {
                text = try SharedFileEditor.removingSection(name, in: text, path: config.configPath)
                result.removed.append(String(name.dropFirst("profile ".count)))
            }
            for section in wanted {
                let profile = String(section.name.dropFirst("profile ".count))
                if existing.contains(section.name) && !isOurs(section.name) {
                    result.skipped.append(profile)
                    continue
                }
                text = try SharedFileEditor.replacingSection(section, in: text, path: config.configPath)
                result.written.append(profile)
            }
            return (text, previous)
        }
        result.backupPath = written.backupPath
        return result
    }
}
