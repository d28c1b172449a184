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
        Self.profileName(explicit: explicit, environment: environment)
    }

    static func profileName(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        return environment.nonEmpty("AWS_PROFILE") ?? "default"
    }

    /// The profile's credentials: from the keyring cache when fresh, else from STS.
    /// `note` receives one-line remarks for stderr (e.g. keyring unavailable) that do not
    /// make the run fail.
    /// `storeAfterPrinting`: for a process that ends as soon as it has printed the
    /// credential (the default command); a fetched credential is then stored by a
    /// background process (README, "Keyring cache").
    public func credentials(profile: String, refresh: Bool = false, storeAfterPrinting: Bool = false,
                            note: @escaping (String) -> Void) throws(STSProcError) -> AWSCredentials {
        try credentials(for: try plan(profile: profile), refresh: refresh, storeAfterPrinting: storeAfterPrinting, note: note)
    }

    func credentials(for plan: CredentialPlan, refresh: Bool = false, storeAfterPrinting: Bool = false,
                     note: @escaping (String) -> Void) throws(STSProcError) -> AWSCredentials {
        RunDeadline.set(seconds: plan.timeoutSeconds)
        let policy = plan.cachePolicy
        var cache = KeyringCache(store: SecretServiceStore(), lockFolder: RefreshLock.folder(environment: environment),
                                 note: note, kernel: policy.usesKernelKeyring || policy.kernelOnly ? KernelKeyringCache() : nil,
                                 kernelOnly: policy.kernelOnly)
        cache.storesInBackground = storeAfterPrinting
        let now = self.now
        let environment = self.environment
        let provider = CachingCredentialProvider(cache: cache, now: now, preload: Self.preloadFetchLibraries,
                                                 fetch: { plan throws(STSProcError) in
            try Self.fetch(plan, now: now, environment: environment, mfaSessions: KeyringMFASessions(cache: cache, now: now))
        })
        return try provider.credentials(for: plan, refresh: refresh)
    }

    /// What every STS call needs: libcurl to send it, libxml2 to read the answer.
    @Sendable static func preloadFetchLibraries() {
        CurlTransport.preload()
        XMLTree.preload()
    }

    /// Runs the plan against STS; libcurl is loaded here or by `preloadFetchLibraries`.
    static func fetch(_ plan: CredentialPlan, now: UTCTime, environment: [String: String],
                      mfaSessions: MFASessionProvider) throws(STSProcError) -> AWSCredentials {
        if plan.roles.isEmpty, plan.mfa == nil, let given = plan.source.givenCredentials { return given }
        if plan.roles.isEmpty, plan.mfa == nil, case .storedKeys(let profile, let absent) = plan.source {
            return try StoredKeys.load(profile: profile, asked: plan.profile, ifAbsent: absent)
        }
        let transport = try makeTransport(profile: plan.profile)
        return try PlanExecutor(transport: transport, now: now, environment: environment, mfaSessions: mfaSessions).execute(plan)
    }

    static func makeTransport(profile: String) throws(STSProcError) -> CurlTransport {
        do {
            return try CurlTransport()
        } catch {
            throw STSProcError(.unavailable, profile: profile, failure: "cannot start the HTTP client",
                               reason: error.explanation, remedy: "Install libcurl4 (apt-get install libcurl4)")
        }
    }

    // MARK: - cache list / cache clear

    public func cachedCredentials() throws(KeyringFailure) -> [CacheListing] {
        try SecretServiceStore(timeLimit: 5).list()
    }

    /// The kernel keyring's copies (first-level copies, and the whole cache where there is
    /// no Secret Service or with `sts_proc_cache = kernel`).
    public func kernelCopies() -> [CacheListing] {
        KernelKeyringCache().list().map { CacheListing(profile: $0.profile, roleARN: "(kernel keyring)", expiration: $0.expiration) }
    }

    public func clearCache(profile: String?) throws(KeyringFailure) {
        // A refresh or background store in flight would store after the clear.
        RefreshLock.waitForHolders(folder: RefreshLock.folder(environment: environment), limit: 10)
        KernelKeyringCache().removeAll(profile: profile)
        ConfigSubsetCache(environment: environment).removeAll()  // derived from the files; cheap to remake
        try SecretServiceStore(timeLimit: 5).remove(profile: profile)
    }
}
