/// Serves a plan's credentials from the cache while they have more than the minimum TTL
/// left; otherwise fetches them once (one refresher per key across processes) and caches
/// the result. The cache can only ever make a fetch faster: every keyring or lock problem
/// becomes one note and the fetch goes on without it.
struct CachingCredentialProvider {
    let store: CredentialStore
    let lockFolder: String
    /// Longer than a healthy refresh takes, shorter than anyone would wait for a shell prompt.
    var lockTimeLimit = 30.0
    let now: UTCTime
    let note: (String) -> Void
    let fetch: (CredentialPlan) throws(STSProcError) -> AWSCredentials

    func credentials(for plan: CredentialPlan, refresh: Bool) throws(STSProcError) -> AWSCredentials {
        // Long-term keys gain nothing from a cache, and keeping copies of them is not asked for.
        guard plan.cachePolicy.isEnabled, plan.obtainsTemporaryCredentials else { return try fetch(plan) }
        let roleARN = plan.finalRoleARN ?? "the SAML role"
        let entry = CacheEntry(profile: plan.profile, key: CacheKey(plan: plan), roleARN: roleARN)
        let validAfter = now.adding(seconds: Int64(plan.cachePolicy.minimumTTL))

        if !refresh {
            switch lookup(entry, validAfter: validAfter, plan: plan) {
            case .hit(let credentials): return credentials
            case .keyringUnusable: return try fetch(plan)
            case .miss: break
            }
        }

        var heldLock: RefreshLock?
        switch RefreshLock.acquire(name: entry.key.digest, folder: lockFolder, timeLimit: lockTimeLimit) {
        case .acquired(let lock, let waited):
            heldLock = lock
            // Whoever held the lock has probably just refreshed; a plain run also re-reads
            // when it did not wait, since the holder may have finished in between.
            if !refresh || waited {
                switch lookup(entry, validAfter: validAfter, plan: plan) {
                case .hit(let credentials): return credentials
                case .keyringUnusable: return try fetch(plan)
                case .miss: break
                }
            }
        case .unavailable(let reason):
            note(Self.note(plan, "\(reason); refreshing without the lock"))
        }
        defer { withExtendedLifetime(heldLock) {} }

        let credentials = try fetch(plan)
        // A credential that cannot outlive the minimum TTL would never be served again.
        if let expiration = credentials.expiration, expiration > validAfter {
            do {
                try store.replace(entry, credentials: credentials,
                                  label: "sts-proc: \(plan.profile) → \(roleARN)")
            } catch {
                note(Self.note(plan, "\(error.explanation); the credential was not cached"))
            }
        }
        return credentials
    }

    private enum LookupOutcome {
        case hit(AWSCredentials)
        case miss
        case keyringUnusable
    }

    private func lookup(_ entry: CacheEntry, validAfter: UTCTime, plan: CredentialPlan) -> LookupOutcome {
        do {
            switch try store.lookup(entry, validAfter: validAfter) {
            case .hit(let credentials): return .hit(credentials)
            case .miss, .corrupt: return .miss  // a corrupt item is replaced by the refresh
            }
        } catch {
            note(Self.note(plan, "\(error.explanation); fetched without the cache"))
            return .keyringUnusable
        }
    }

    static func note(_ plan: CredentialPlan, _ text: String) -> String {
        "sts-proc: profile \(plan.profile): note: \(text)."
    }
}
