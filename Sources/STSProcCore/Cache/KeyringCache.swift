/// The one sequence every cached credential goes through (SPEC §5): serve a fresh item;
/// otherwise take the entry's refresh lock, look again (another process may just have
/// refreshed), fetch, and store what can be served later. Keyring and lock problems become
/// one note each and never fail the fetch.
struct KeyringCache {
    let store: CredentialStore
    let lockFolder: String
    /// Longer than a healthy refresh takes, shorter than anyone would wait for a shell prompt.
    var lockTimeLimit = 30.0
    let note: (String) -> Void
    /// The first-level copies in the kernel keyring; nil when turned off.
    var kernel: KernelKeyringCache?

    /// `preload` loads what `fetch` will need (libraries); it runs on its own thread from
    /// the moment a fetch becomes likely, alongside the keyring lookup, and is waited for
    /// before returning, so the process never exits in the middle of it.
    func credentials(for entry: CacheEntry, validAfter: UTCTime, refresh: Bool, label: String, notePrefix: String,
                     preload: @escaping @Sendable () -> Void = {},
                     fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        let copy = { (credentials: AWSCredentials) in
            kernel?.write(profile: entry.profile, material: entry.key.material, credentials: credentials,
                          validAfter: validAfter)
        }
        var preloading: Deadline.Pending<Bool>?
        // Library loading is bounded work (no network, no prompt); the limit only keeps a
        // broken loader from holding the process.
        defer { _ = preloading?.result(within: 10) }
        if refresh {
            preloading = Deadline.start { preload(); return true }
            kernel?.remove(profile: entry.profile, material: entry.key.material)
        } else {
            if let credentials = kernel?.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter) {
                return credentials
            }
            preloading = Deadline.start { preload(); return true }
            switch lookup(entry, validAfter: validAfter, notePrefix: notePrefix) {
            case .hit(let credentials):
                // Copied only if nobody is refreshing right now: a `--refresh` that holds the
                // lock must not have its new copy overwritten with this older credential.
                if case .acquired(let lock, _) = RefreshLock.acquire(name: entry.key.digest, folder: lockFolder,
                                                                     timeLimit: 0) {
                    copy(credentials)
                    withExtendedLifetime(lock) {}
                }
                return credentials
            case .keyringUnusable: return try fetch()
            case .miss: break
            }
        }

        var heldLock: RefreshLock?
        switch RefreshLock.acquire(name: entry.key.digest, folder: lockFolder, timeLimit: lockTimeLimit) {
        case .acquired(let lock, let waited):
            heldLock = lock
            // A plain run re-reads even when it did not wait: the holder may have finished
            // between its first look and taking the lock. Such a holder copied its result
            // into the kernel keyring before letting go of the lock, so when that layer is
            // on and nobody was waited for, looking there suffices.
            if !refresh || waited {
                if let credentials = kernel?.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter) {
                    return credentials
                }
            }
            if waited || (!refresh && kernel == nil) {
                switch lookup(entry, validAfter: validAfter, notePrefix: notePrefix) {
                case .hit(let credentials):
                    copy(credentials)
                    return credentials
                case .keyringUnusable: return try fetch()
                case .miss: break
                }
            }
        case .unavailable(let reason):
            note("\(notePrefix)\(reason); refreshing without the lock.")
        }
        defer { withExtendedLifetime(heldLock) {} }

        let pendingStore = store.beginReplace(entry)
        let credentials = try fetch()
        // A credential that cannot outlive `validAfter` would never be served again.
        if let expiration = credentials.expiration, expiration > validAfter {
            do {
                try pendingStore.finish(credentials, label)
                // Only what the Secret Service accepted is copied: a locked keyring stays in force.
                copy(credentials)
            } catch {
                note("\(notePrefix)\(error.explanation); the credential was not cached.")
            }
        }
        return credentials
    }

    private enum LookupOutcome {
        case hit(AWSCredentials)
        case miss
        case keyringUnusable
    }

    private func lookup(_ entry: CacheEntry, validAfter: UTCTime, notePrefix: String) -> LookupOutcome {
        do {
            switch try store.lookup(entry, validAfter: validAfter) {
            case .hit(let credentials): return .hit(credentials)
            case .miss, .corrupt: return .miss  // a corrupt item is replaced by the refresh
            }
        } catch {
            note("\(notePrefix)\(error.explanation); fetched without the cache.")
            return .keyringUnusable
        }
    }
}
