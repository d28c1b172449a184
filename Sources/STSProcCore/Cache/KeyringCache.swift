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

    /// `preload` loads what `fetch` will need (libraries). It runs on its own thread once
    /// this process is the one that may have to fetch, alongside its keyring lookup, and is
    /// waited for before returning, so the process never exits in the middle of it.
    func credentials(for entry: CacheEntry, validAfter: UTCTime, refresh: Bool, label: String, notePrefix: String,
                     preload: @escaping @Sendable () -> Void = {},
                     fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        var run = Run(cache: self, entry: entry, validAfter: validAfter, label: label, notePrefix: notePrefix,
                      preload: preload)
        // Library loading is bounded work (no network, no prompt); the limit only keeps a
        // broken loader from holding the process.
        defer { _ = run.preloading?.result(within: 10) }
        if refresh { return try run.refresh(fetch: fetch) }
        if let kernel {
            if let credentials = kernel.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter) {
                return credentials
            }
            if let credentials = try run.leadOrFollow(fetch: fetch) { return credentials }
        }
        return try run.lookThenRefresh(fetch: fetch)
    }
}

/// One call's way through the cache; `KeyringCache.credentials` picks the path.
private struct Run {
    let cache: KeyringCache
    let entry: CacheEntry
    let validAfter: UTCTime
    let label: String
    let notePrefix: String
    let preload: @Sendable () -> Void
    private(set) var preloading: Deadline.Pending<Bool>?

    init(cache: KeyringCache, entry: CacheEntry, validAfter: UTCTime, label: String, notePrefix: String,
         preload: @escaping @Sendable () -> Void) {
        (self.cache, self.entry, self.validAfter, self.label, self.notePrefix, self.preload)
            = (cache, entry, validAfter, label, notePrefix, preload)
    }

    /// With kernel copies on, the first caller to miss takes the lock at once and goes to
    /// the Secret Service (and to STS if need be) alone; callers arriving meanwhile wait
    /// for it and are then served from the copy it leaves. A burst of cold callers thus
    /// makes one keyring search and loads libcurl once instead of 64 times over, which on a
    /// busy machine had pushed their searches past the keyring time limit.
    /// nil: nothing settled here (no copy after waiting, or no lock); take the general path.
    mutating func leadOrFollow(fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials? {
        switch RefreshLock.acquire(name: entry.key.digest, folder: cache.lockFolder, timeLimit: cache.lockTimeLimit) {
        case .acquired(let lock, waited: false):
            defer { lock.release() }
            startPreloading()
            switch lookup() {
            case .hit(let credentials):
                copy(credentials)
                return credentials
            case .keyringUnusable:
                // Nothing will be stored, so others need not wait for this fetch.
                lock.release()
                return try fetch()
            case .miss:
                return try fetchAndStore(fetch)
            }
        case .acquired(let lock, waited: true):
            defer { lock.release() }
            if let credentials = readCopy() { return credentials }
            // The leader left no copy (its keyring was unusable, its fetch failed, or the
            // kernel refused the copy): each goes its own way, concurrently, not one by one.
            return nil
        case .unavailable:
            return nil  // the general path takes the lock again and reports why, if it refreshes
        }
    }

    /// Looks in the Secret Service without the lock (its hits stay concurrent), and on a
    /// miss takes the lock, looks again (another process may just have refreshed), fetches
    /// and stores.
    mutating func lookThenRefresh(fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        switch lookup() {
        case .hit(let credentials):
            // Copied only if nobody is refreshing right now: a `--refresh` that holds the
            // lock must not have its new copy overwritten with this older credential.
            if case .acquired(let lock, _) = RefreshLock.acquire(name: entry.key.digest, folder: cache.lockFolder,
                                                                 timeLimit: 0) {
                copy(credentials)
                lock.release()
            }
            return credentials
        case .keyringUnusable: return try fetch()
        case .miss: break
        }
        let lock = takeLock()
        defer { lock?.release() }
        if lock != nil {
            startPreloading()
            if let credentials = readCopy() { return credentials }
            switch lookup() {
            case .hit(let credentials):
                copy(credentials)
                return credentials
            case .keyringUnusable: return try fetch()
            case .miss: break
            }
        }
        return try fetchAndStore(fetch)
    }

    /// `--refresh`: always asks STS, and replaces the item and the copy.
    mutating func refresh(fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        startPreloading()
        cache.kernel?.remove(profile: entry.profile, material: entry.key.material)
        let lock = takeLock()
        defer { lock?.release() }
        return try fetchAndStore(fetch)
    }

    /// The refresh lock, or nil (with a note) when it cannot be had.
    private func takeLock() -> RefreshLock? {
        switch RefreshLock.acquire(name: entry.key.digest, folder: cache.lockFolder, timeLimit: cache.lockTimeLimit) {
        case .acquired(let lock, _): return lock
        case .unavailable(let reason):
            cache.note("\(notePrefix)\(reason); refreshing without the lock.")
            return nil
        }
    }

    /// Fetches while the store gets ready, then stores what can be served later.
    private func fetchAndStore(_ fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        let pendingStore = cache.store.beginReplace(entry)
        let credentials = try fetch()
        // A credential that cannot outlive `validAfter` would never be served again.
        if let expiration = credentials.expiration, expiration > validAfter {
            do {
                try pendingStore.finish(credentials, label)
                // Only what the Secret Service accepted is copied: a locked keyring stays in force.
                copy(credentials)
            } catch {
                cache.note("\(notePrefix)\(error.explanation); the credential was not cached.")
            }
        }
        return credentials
    }

    private mutating func startPreloading() {
        guard preloading == nil else { return }
        let preload = self.preload
        preloading = Deadline.start { preload(); return true }
    }

    private func readCopy() -> AWSCredentials? {
        cache.kernel?.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter)
    }

    private func copy(_ credentials: AWSCredentials) {
        cache.kernel?.write(profile: entry.profile, material: entry.key.material, credentials: credentials,
                            validAfter: validAfter)
    }

    private enum LookupOutcome {
        case hit(AWSCredentials)
        case miss
        case keyringUnusable
    }

    private func lookup() -> LookupOutcome {
        do {
            switch try cache.store.lookup(entry, validAfter: validAfter) {
            case .hit(let credentials): return .hit(credentials)
            case .miss, .corrupt: return .miss  // a corrupt item is replaced by the refresh
            }
        } catch {
            cache.note("\(notePrefix)\(error.explanation); fetched without the cache.")
            return .keyringUnusable
        }
    }
}
