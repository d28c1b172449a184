/// The one sequence every cached credential goes through (README, "Keyring cache"): serve a fresh kernel
/// copy or keyring item; otherwise take the entry's refresh lock, look again (another
/// process may just have refreshed), fetch, and store what can be served later. Keyring and
/// lock problems become one note each and never fail the fetch.
struct KeyringCache {
    let store: CredentialStore
    let lockFolder: String
    /// Longer than a healthy refresh takes, shorter than anyone would wait for a shell prompt.
    var lockTimeLimit = 30.0
    let note: (String) -> Void
    /// The first-level copies in the kernel keyring; nil when turned off.
    var kernel: KernelKeyringCache?
    /// `sts_proc_cache = kernel`: the kernel keyring is the cache, for the credential's
    /// whole life, and the Secret Service is not asked (headless machines, CI, WSL).
    var kernelOnly = false

    /// Stores after handing the credential over (`BackgroundStore`): set by the default
    /// command, whose process ends as soon as it has printed.
    var storesInBackground = false

    /// Absent, not merely locked or slow.
    static func meansNoSecretService(_ failure: KeyringFailure) -> Bool {
        switch failure {
        case .unavailable, .noDefaultCollection: return true
        case .locked, .timedOut: return false
        }
    }

    /// `preload` loads what `fetch` will need (libraries). Once a fetch is certain it runs
    /// on its own thread, alongside the start of the fetch, and is waited for before
    /// returning, so the process never exits in the middle of it.
    func credentials(for entry: CacheEntry, validAfter: UTCTime, refresh: Bool, label: String, notePrefix: String,
                     preload: @escaping @Sendable () -> Void = {},
                     fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        var run = Run(cache: self, entry: entry, validAfter: validAfter, label: label, notePrefix: notePrefix,
                      preload: preload)
        // Library loading is bounded work (no network, no prompt); the limit only keeps a
        // broken loader from holding the process.
        defer { _ = run.preloading?.result(within: 10) }
        if refresh { return try run.refresh(fetch: fetch) }
        var lockProblem: String?
        if let kernel {
            if let credentials = kernel.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter) {
                return credentials
            }
            switch try run.leadOrFollow(fetch: fetch) {
            case .served(let credentials): return credentials
            case .goOn(let problem): lockProblem = problem
            }
        }
        return try run.lookThenRefresh(fetch: fetch, lockProblem: lockProblem)
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
    private(set) var preloading: Deadline.Pending<Bool>? = nil

    enum LeadOutcome {
        case served(AWSCredentials)
        /// Not settled here: take the general path. `lockProblem` is set when the lock
        /// could not be had (so the general path does not wait for it a second time).
        case goOn(lockProblem: String?)
    }

    /// With kernel copies on, the first caller to miss takes the lock at once and goes to
    /// the Secret Service (and to STS if need be) alone; callers arriving meanwhile wait
    /// for it and are then served from the copy it leaves. A burst of cold callers thus
    /// makes one keyring lookup and one fetch instead of 64 concurrent lookups, which on a
    /// busy machine had pushed some past the keyring time limit.
    mutating func leadOrFollow(fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> LeadOutcome {
        let waitStarted = SharedFailure.wallClock()
        // The leader's copy is written before its credential is printed, and the lock held
        // on until the Secret Service store ends: waiters read the copy as soon as it is
        // there rather than queueing behind the store for the lock.
        var leadersCopy: AWSCredentials?
        let copyIsThere = { leadersCopy = self.readCopy(); return leadersCopy != nil }
        switch RefreshLock.acquire(name: entry.key.lockName, folder: cache.lockFolder, timeLimit: cache.lockTimeLimit,
                                   stopWaiting: copyIsThere) {
        case .gaveUp:
            guard let leadersCopy else { return .goOn(lockProblem: nil) }  // not reached: it gives up only on a copy
            return .served(leadersCopy)
        case .acquired(let lock, let waited):
            defer { lock.release() }
            // A holder that finished between our first look and the lock left its copy.
            if let credentials = readCopy() { return .served(credentials) }
            // Or it failed while we waited: its failure is ours too, without trying again.
            if waited, let failure = sharedFailure.read(since: waitStarted) { throw failure }
            // The leader left no copy (its keyring was unusable, its fetch failed, or the
            // kernel refused the copy): each goes its own way rather than queueing here.
            if waited { return .goOn(lockProblem: nil) }
            switch lookup() {
            case .hit(let credentials):
                copy(credentials)
                return .served(credentials)
            case .keyringUnusable:
                // Nothing will be stored, but the callers waiting behind this one share
                // the fetch through a brief copy instead of queueing for one each.
                let credentials = try fetchSharingFailure(fetch)
                copy(credentials, lifetime: .burst)
                return .served(credentials)
            case .noSecretService:
                // The kernel copy is the cache: the others wait for it.
                let credentials = try fetch()
                copy(credentials, forItsWholeLife: true)
                return .served(credentials)
            case .miss:
                return .served(try fetchAndStore(fetch, holding: lock))
            }
        case .unavailable(let reason):
            return .goOn(lockProblem: reason)
        }
    }

    /// Looks in the Secret Service without the lock (its hits stay concurrent), and on a
    /// miss takes the lock, looks again (another process may just have refreshed), fetches
    /// and stores.
    mutating func lookThenRefresh(fetch: () throws(STSProcError) -> AWSCredentials,
                                  lockProblem: String?) throws(STSProcError) -> AWSCredentials {
        switch lookup() {
        case .hit(let credentials):
            // Copied only if nobody is refreshing right now: a `--refresh` that holds the
            // lock must not have its new copy overwritten with this older credential.
            if cache.kernel != nil,
               case .acquired(let lock, _) = RefreshLock.acquire(name: entry.key.lockName, folder: cache.lockFolder,
                                                                 timeLimit: 0) {
                copy(credentials)
                lock.release()
            }
            return credentials
        case .keyringUnusable: return try fetch()
        case .noSecretService:
            let credentials = try fetch()
            copy(credentials, forItsWholeLife: true)
            return credentials
        case .miss: break
        }
        let lock = lockProblem == nil ? try takeLock() : nil
        if let lockProblem { try noteNoLock(lockProblem) }
        defer { lock?.release() }
        if lock != nil {
            if let credentials = readCopy() { return credentials }
            switch lookup() {
            case .hit(let credentials):
                copy(credentials)
                return credentials
            case .keyringUnusable: return try fetch()
            case .noSecretService:
                let credentials = try fetch()
                copy(credentials, forItsWholeLife: true)
                return credentials
            case .miss: break
            }
        }
        return try fetchAndStore(fetch, holding: lock)
    }

    /// `--refresh`: always asks STS, and replaces the item and the copy.
    /// The kernel copy stays until the new credential replaces it: while the refresh runs,
    /// and if it fails, other callers are served as before.
    mutating func refresh(fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        let lock = try takeLock()
        defer { lock?.release() }
        // Stored before returning: the user asked for this refresh and sees its notes.
        return try fetchAndStore(fetch, holding: lock, inBackground: false)
    }

    /// The refresh lock, or nil (with a note) when it cannot be had.
    private func takeLock() throws(STSProcError) -> RefreshLock? {
        switch RefreshLock.acquire(name: entry.key.lockName, folder: cache.lockFolder, timeLimit: cache.lockTimeLimit) {
        case .acquired(let lock, _): return lock
        case .unavailable(let reason):
            try noteNoLock(reason)
            return nil
        case .gaveUp:
            return nil  // only with a `stopWaiting`, which is not given here
        }
    }

    /// Going on without the lock, unless the wait for it used up the run's deadline.
    private func noteNoLock(_ reason: String) throws(STSProcError) {
        if RunDeadline.isPast {
            throw RunDeadline.reached(waitingFor: "another sts-proc's refresh of profile \(entry.profile) (its refresh lock)")
        }
        cache.note("\(notePrefix)\(reason); refreshing without the lock.")
    }

    /// Fetches while the libraries load and the store gets ready, then stores what can be
    /// served later.
    private mutating func fetchAndStore(_ fetch: () throws(STSProcError) -> AWSCredentials,
                                        holding lock: RefreshLock?, inBackground: Bool = true) throws(STSProcError) -> AWSCredentials {
        startPreloading()
        if cache.kernelOnly {
            let credentials = try fetch()
            copy(credentials, forItsWholeLife: true)
            return credentials
        }
        if cache.storesInBackground, inBackground, let lock {
            let credentials = try fetchSharingFailure(fetch)
            guard let expiration = credentials.expiration, expiration > validAfter else { return credentials }
            // The copy first: callers waiting on the lock are served from it while the
            // store runs.
            copy(credentials)
            let order = BackgroundStore.Order(
                profile: entry.profile, material: entry.key.material, roleARN: entry.roleARN, label: label,
                validAfter: validAfter.secondsSinceEpoch, credentials: CachedCredential.encode(credentials),
                lockPath: lock.path, kernelCopies: cache.kernel != nil, seconds: RunDeadline.seconds,
                notePrefix: notePrefix)
            if BackgroundStore.handOver(order, lock: lock) { return credentials }
            store(credentials, pendingStore: cache.store.beginReplace(entry))
            return credentials
        }
        let pendingStore = cache.store.beginReplace(entry)
        let credentials: AWSCredentials
        do {
            credentials = try fetchSharingFailure(fetch)
        } catch {
            pendingStore.abandon()
            throw error
        }
        // A credential that cannot outlive `validAfter` would never be served again.
        guard let expiration = credentials.expiration, expiration > validAfter else {
            pendingStore.abandon()
            return credentials
        }
        store(credentials, pendingStore: pendingStore)
        return credentials
    }

    /// Stores in the Secret Service and copies what it accepted; a refusal becomes a note.
    private func store(_ credentials: AWSCredentials, pendingStore: PendingReplace) {
        do {
            try pendingStore.finish(credentials, label)
            copy(credentials)
        } catch {
            if KeyringCache.meansNoSecretService(error), cache.kernel != nil {
                copy(credentials, forItsWholeLife: true)
                if !cache.kernelOnly {
                    cache.note("\(notePrefix)\(error.explanation); the credential is kept in the kernel keyring instead.")
                }
            } else {
                // A locked (or wedged) collection stays in force: nothing is cached for
                // later runs. Only the callers of this burst, waiting on our lock, share
                // the credential through a copy that lives a minute; without it each of
                // them fetched in turn (50 callers, 50 requests, 34 s against a slow STS).
                copy(credentials, lifetime: .burst)
                cache.note("\(notePrefix)\(error.explanation); the credential was not cached.")
            }
        }
    }

    /// The fetch, with its failure left for the callers waiting on our lock.
    private func fetchSharingFailure(_ fetch: () throws(STSProcError) -> AWSCredentials) throws(STSProcError) -> AWSCredentials {
        do {
            let credentials = try fetch()
            sharedFailure.clear()
            return credentials
        } catch {
            sharedFailure.record(error)
            throw error
        }
    }

    private mutating func startPreloading() {
        guard preloading == nil else { return }
        let preload = self.preload
        preloading = Deadline.start { preload(); return true }
    }

    private var sharedFailure: SharedFailure { SharedFailure(folder: cache.lockFolder, lockName: entry.key.lockName) }

    private func readCopy() -> AWSCredentials? {
        cache.kernel?.read(profile: entry.profile, material: entry.key.material, validAfter: validAfter)
    }

    private enum CopyLifetime {
        /// Beside a Secret Service that holds the credential.
        case firstLevel
        /// The credential's whole life: there is no Secret Service.
        case whole
        /// The Secret Service refused it (locked, not answering): long enough for one burst.
        case burst
    }

    private func copy(_ credentials: AWSCredentials, forItsWholeLife: Bool = false) {
        copy(credentials, lifetime: forItsWholeLife ? .whole : .firstLevel)
    }

    private func copy(_ credentials: AWSCredentials, lifetime: CopyLifetime) {
        let limit: Int64
        switch lifetime {
        case .firstLevel: limit = KernelKeyringCache.maximumLifetime
        case .whole: limit = .max
        case .burst: limit = KernelKeyringCache.burstLifetime
        }
        cache.kernel?.write(profile: entry.profile, material: entry.key.material, credentials: credentials,
                            validAfter: validAfter, limit: limit)
    }

    private enum LookupOutcome {
        case hit(AWSCredentials)
        case miss
        /// Locked or not answering: fetched without any cache (a lock the user set is
        /// never worked around).
        case keyringUnusable
        /// No Secret Service at all: the kernel keyring keeps the credential instead.
        case noSecretService
    }

    private func lookup() -> LookupOutcome {
        if cache.kernelOnly { return cache.kernel == nil ? .keyringUnusable : .noSecretService }
        do {
            switch try cache.store.lookup(entry, validAfter: validAfter) {
            case .hit(let credentials): return .hit(credentials)
            case .miss, .corrupt: return .miss  // a corrupt item is replaced by the refresh
            }
        } catch {
            if KeyringCache.meansNoSecretService(error), cache.kernel != nil {
                cache.note("\(notePrefix)\(error.explanation); the credential is kept in the kernel keyring instead.")
                return .noSecretService
            }
            cache.note("\(notePrefix)\(error.explanation); fetched without the cache.")
            return .keyringUnusable
        }
    }
}
