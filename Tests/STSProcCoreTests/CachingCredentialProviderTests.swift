import Glibc
import Testing
@testable import STSProcCore

private let baseKeys = "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n"

/// An in-memory keyring that can also be made to fail.
private final class MemoryStore: CredentialStore {
    var items: [String: (entry: CacheEntry, credentials: AWSCredentials?)] = [:]
    var failure: KeyringFailure?
    var replaceCount = 0
    var beginCount = 0

    var lookupCount = 0

    func lookup(_ entry: CacheEntry, validAfter: UTCTime) throws(KeyringFailure) -> CacheLookup {
        lookupCount += 1
        if let failure { throw failure }
        guard let stored = items[entry.key.digest] else { return .miss }
        guard let credentials = stored.credentials else { return .corrupt }
        guard let expiration = credentials.expiration, expiration > validAfter else { return .miss }
        return .hit(credentials)
    }

    func beginReplace(_ entry: CacheEntry) -> PendingReplace {
        beginCount += 1
        return PendingReplace { credentials, _ throws(KeyringFailure) in
            if let failure = self.failure { throw failure }
            self.replaceCount += 1
            self.items[entry.key.digest] = (entry, credentials)
        }
    }

    func list() throws(KeyringFailure) -> [CacheListing] { [] }
    func remove(profile: String?) throws(KeyringFailure) { items = [:] }
    func probe() throws(KeyringFailure) { if let failure { throw failure } }
}

@Suite struct CachingCredentialProviderTests {
    private let now = UTCTime(secondsSinceEpoch: 1_000_000)
    private let lockFolder: String = {
        var template = Array("/tmp/sts-proc-unit-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!)
    }()

    private func plan(_ extra: String = "") throws -> CredentialPlan {
        try makeTestPlan("[profile p]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n" + extra,
                         credentials: baseKeys, now: now.secondsSinceEpoch)
    }

    private func issued(_ name: String, lifetime: Int64) -> AWSCredentials {
        AWSCredentials(accessKeyID: name, secretAccessKey: "s", sessionToken: "t", expiration: now.adding(seconds: lifetime))
    }

    /// Runs the provider once, counting fetches and collecting notes.
    private func run(_ plan: CredentialPlan, store: MemoryStore, fetched: AWSCredentials, refresh: Bool = false,
                     at time: UTCTime? = nil) throws -> (AWSCredentials, fetches: Int, notes: [String]) {
        nonisolated(unsafe) var fetches = 0
        nonisolated(unsafe) var notes: [String] = []
        let provider = CachingCredentialProvider(
            cache: KeyringCache(store: store, lockFolder: lockFolder, lockTimeLimit: 1, note: { notes.append($0) },
                                kernel: nil),
            now: time ?? now,
            fetch: { _ throws(STSProcError) in fetches += 1; return fetched })
        let result = try provider.credentials(for: plan, refresh: refresh)
        return (result, fetches, notes)
    }

    @Test func aFreshCredentialIsServedWithoutFetching() throws {
        let store = MemoryStore()
        let plan = try plan()
        let first = try run(plan, store: store, fetched: issued("A", lifetime: 3600))
        #expect(first.fetches == 1)
        let second = try run(plan, store: store, fetched: issued("B", lifetime: 3600))
        #expect(second.fetches == 0)
        #expect(second.0.accessKeyID == "A")
        #expect(second.notes.isEmpty)
    }

    @Test func aCredentialWithinMinimumTTLIsRefreshedAndReplaced() throws {
        let store = MemoryStore()
        let plan = try plan()
        _ = try run(plan, store: store, fetched: issued("A", lifetime: 3600))
        // 3600 - 2700 = 900 s left: under the default 960.
        let later = try run(plan, store: store, fetched: issued("B", lifetime: 6300), at: now.adding(seconds: 2700))
        #expect(later.fetches == 1)
        #expect(later.0.accessKeyID == "B")
        #expect(store.replaceCount == 2)
        // 961 s left is still served.
        let stillFresh = try run(plan, store: store, fetched: issued("C", lifetime: 3600), at: now.adding(seconds: 6300 - 961))
        #expect(stillFresh.fetches == 0)
    }

    @Test func credentialsThatCannotOutliveTheMinimumTTLAreNotStored() throws {
        let store = MemoryStore()
        let result = try run(try plan("duration_seconds = 900\n"), store: store, fetched: issued("A", lifetime: 900))
        #expect(result.fetches == 1)
        #expect(store.replaceCount == 0)
    }

    @Test func refreshFetchesEvenWhenFresh() throws {
        let store = MemoryStore()
        let plan = try plan()
        _ = try run(plan, store: store, fetched: issued("A", lifetime: 3600))
        let refreshed = try run(plan, store: store, fetched: issued("B", lifetime: 3600), refresh: true)
        #expect(refreshed.fetches == 1)
        #expect(refreshed.0.accessKeyID == "B")
        #expect(try run(plan, store: store, fetched: issued("C", lifetime: 3600)).0.accessKeyID == "B")
    }

    @Test func aFailedRefreshLeavesTheStoredCredentialInPlace() throws {
        let store = MemoryStore()
        let plan = try plan()
        _ = try run(plan, store: store, fetched: issued("A", lifetime: 3600))
        let failing = CachingCredentialProvider(
            cache: KeyringCache(store: store, lockFolder: lockFolder, lockTimeLimit: 1, note: { _ in }, kernel: nil),
            now: now, fetch: { _ throws(STSProcError) in
                throw STSProcError(.rejected, profile: "p", failure: "AssumeRole failed", reason: "access denied")
            })
        #expect(throws: STSProcError.self) { try failing.credentials(for: plan, refresh: true) }
        // The replacement was begun alongside the fetch but never finished.
        #expect(store.beginCount == 2)
        #expect(store.replaceCount == 1)
        #expect(try run(plan, store: store, fetched: issued("B", lifetime: 3600)).0.accessKeyID == "A")
    }

    @Test func preloadingHasEndedWhenCredentialsAreReturned() throws {
        /// Written by the preloading thread; read after `credentials` has waited for it.
        final class Flag: @unchecked Sendable { var isSet = false }
        let store = MemoryStore()
        let plan = try plan()
        // A fetch preloads and has waited for it; a Secret Service hit (no kernel layer
        // here) never starts it.
        for (expectedFetches, expectPreloaded) in [(1, true), (0, false)] {
            let preloaded = Flag()
            nonisolated(unsafe) var fetches = 0
            let provider = CachingCredentialProvider(
                cache: KeyringCache(store: store, lockFolder: lockFolder, lockTimeLimit: 1, note: { _ in }, kernel: nil),
                now: now,
                preload: {
                    var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
                    nanosleep(&pause, nil)
                    preloaded.isSet = true
                },
                fetch: { _ throws(STSProcError) in fetches += 1; return issued("A", lifetime: 3600) })
            _ = try provider.credentials(for: plan, refresh: false)
            #expect(fetches == expectedFetches)
            #expect(preloaded.isSet == expectPreloaded)
        }
    }

    @Test func aCorruptItemIsReplaced() throws {
        let store = MemoryStore()
        let plan = try plan()
        store.items[CacheKey(plan: plan).digest] = (CacheEntry(profile: "p", key: CacheKey(plan: plan), roleARN: "r"), nil)
        let result = try run(plan, store: store, fetched: issued("A", lifetime: 3600))
        #expect(result.fetches == 1)
        #expect(result.notes.isEmpty)
        #expect(try run(plan, store: store, fetched: issued("B", lifetime: 3600)).fetches == 0)
    }

    @Test func anUnusableKeyringGivesOneNoteAndTheCredential() throws {
        let store = MemoryStore()
        store.failure = .locked
        let result = try run(try plan(), store: store, fetched: issued("A", lifetime: 3600))
        #expect(result.0.accessKeyID == "A")
        #expect(result.fetches == 1)
        #expect(result.notes == ["sts-proc: profile p: note: the default keyring collection is locked; fetched without the cache."])
    }

    @Test func cacheNoneAndStaticKeysNeverTouchTheStore() throws {
        let store = MemoryStore()
        store.failure = .unavailable("must not be called")
        let none = try run(try plan("sts_proc_cache = none\n"), store: store, fetched: issued("A", lifetime: 3600))
        #expect(none.notes.isEmpty)
        let staticPlan = try makeTestPlan("", credentials: baseKeys, profile: "base", now: now.secondsSinceEpoch)
        #expect(try run(staticPlan, store: store, fetched: issued("A", lifetime: 3600)).notes.isEmpty)
    }

    @Test func minimumTTLAndCacheModeAreValidated() throws {
        #expect(try plan("sts_proc_min_ttl = 120\n").cachePolicy.minimumTTL == 120)
        #expect(try plan().cachePolicy == CachePolicy(isEnabled: true, minimumTTL: 960))
        #expect(throws: STSProcError.self) { try plan("sts_proc_min_ttl = soon\n") }
        #expect(throws: STSProcError.self) { try plan("sts_proc_cache = disk\n") }
    }
}

/// The flow with kernel copies on, against the real kernel in a keyring of each test's own.
@Suite struct LeaderAndFollowerTests {
    private let profile = "unit-\(getpid())-\(Int.random(in: 0..<1_000_000))"
    private let now = UTCTime(secondsSinceEpoch: Int64(time(nil)))
    private let lockFolder: String = {
        var template = Array("/tmp/sts-proc-unit-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!)
    }()

    private func plan() throws -> CredentialPlan {
        try makeTestPlan("[profile \(profile)]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\n",
                         credentials: baseKeys, profile: profile, now: now.secondsSinceEpoch)
    }

    private func issued(_ name: String) -> AWSCredentials {
        AWSCredentials(accessKeyID: name, secretAccessKey: "s", sessionToken: "t", expiration: now.adding(seconds: 3600))
    }

    private func provider(_ store: MemoryStore, _ kernel: KernelKeyringCache,
                          fetch: @escaping (CredentialPlan) throws(STSProcError) -> AWSCredentials) -> CachingCredentialProvider {
        CachingCredentialProvider(
            cache: KeyringCache(store: store, lockFolder: lockFolder, lockTimeLimit: 5, note: { _ in }, kernel: kernel),
            now: now, fetch: fetch)
    }

    @Test func aCallerThatWaitedIsServedFromTheLeadersCopyWithoutTheKeyring() throws {
        let kernel = try privateKernelKeyring()
        let plan = try plan()
        let key = CacheKey(plan: plan)
        let store = MemoryStore()
        nonisolated(unsafe) var fetches = 0
        nonisolated(unsafe) let provider = provider(store, kernel) { _ throws(STSProcError) in
            fetches += 1
            return issued("FETCHED")
        }
        guard case .acquired(let leader, _) = RefreshLock.acquire(name: key.lockName, folder: lockFolder, timeLimit: 1) else {
            Issue.record("could not take the lock")
            return
        }
        let follower = Deadline.start { try? provider.credentials(for: plan, refresh: false) }
        // It waits for the lock rather than going to the keyring or STS.
        #expect(follower.result(within: 0.2) == nil)
        // What a leader does before letting go: store, copy, release.
        kernel.write(profile: profile, material: key.material, credentials: issued("LEADER"),
                     validAfter: now.adding(seconds: 960))
        leader.release()
        #expect(follower.result(within: 5)??.accessKeyID == "LEADER")
        #expect(fetches == 0)
        #expect(store.lookupCount == 0)
    }

    @Test func theFirstToMissLeadsAndLeavesACopy() throws {
        let kernel = try privateKernelKeyring()
        let plan = try plan()
        let store = MemoryStore()
        nonisolated(unsafe) var fetches = 0
        let provider = provider(store, kernel) { _ throws(STSProcError) in
            fetches += 1
            return issued("FETCHED")
        }
        #expect(try provider.credentials(for: plan, refresh: false).accessKeyID == "FETCHED")
        #expect(store.lookupCount == 1)
        #expect(store.replaceCount == 1)
        #expect(kernel.read(profile: profile, material: CacheKey(plan: plan).material,
                            validAfter: now.adding(seconds: 960))?.accessKeyID == "FETCHED")
        #expect(try provider.credentials(for: plan, refresh: false).accessKeyID == "FETCHED")
        #expect(fetches == 1)
        #expect(store.lookupCount == 1)
    }

    @Test func aFailedRefreshKeepsTheCopy() throws {
        let kernel = try privateKernelKeyring()
        let plan = try plan()
        let material = CacheKey(plan: plan).material
        kernel.write(profile: profile, material: material, credentials: issued("OLD"), validAfter: now.adding(seconds: 960))
        let provider = provider(MemoryStore(), kernel) { _ throws(STSProcError) in
            throw STSProcError(.rejected, profile: profile, failure: "AssumeRole failed", reason: "access denied")
        }
        #expect(throws: STSProcError.self) { try provider.credentials(for: plan, refresh: true) }
        #expect(kernel.read(profile: profile, material: material, validAfter: now.adding(seconds: 960))?.accessKeyID == "OLD")
    }
}

@Suite struct RefreshLockTests {
    private func privateFolder() -> String {
        var template = Array("/tmp/sts-proc-lock-XXXXXX".utf8CString)
        return String(cString: mkdtemp(&template)!) + "/locks"
    }

    @Test func releasingLetsTheNextCallerInAtOnceAndMayBeRepeated() {
        let folder = privateFolder()
        guard case .acquired(let first, _) = RefreshLock.acquire(name: "r", folder: folder, timeLimit: 1) else {
            Issue.record("could not take the lock")
            return
        }
        first.release()
        first.release()
        guard case .acquired(_, let waited) = RefreshLock.acquire(name: "r", folder: folder, timeLimit: 0) else {
            Issue.record("the released lock was still held")
            return
        }
        #expect(!waited)
        withExtendedLifetime(first) {}
    }

    @Test func aHeldLockMakesOthersWaitThenGiveUp() {
        let folder = privateFolder()
        func holdAndContend() {
            guard case .acquired(let held, let waited) = RefreshLock.acquire(name: "k", folder: folder, timeLimit: 1) else {
                Issue.record("first lock not acquired")
                return
            }
            #expect(!waited)
            guard case .unavailable(let reason) = RefreshLock.acquire(name: "k", folder: folder, timeLimit: 0.05) else {
                Issue.record("second lock acquired while held")
                return
            }
            #expect(reason.contains("held the refresh lock"))
            withExtendedLifetime(held) {}
        }
        holdAndContend()
        // Released with its owner.
        guard case .acquired = RefreshLock.acquire(name: "k", folder: folder, timeLimit: 0.05) else {
            Issue.record("lock not released")
            return
        }
    }

    @Test func aFolderOthersCanEnterIsRefused() {
        let folder = privateFolder()
        mkdir(folder, 0o755)
        chmod(folder, 0o755)
        guard case .unavailable(let reason) = RefreshLock.acquire(name: "k", folder: folder, timeLimit: 0.05) else {
            Issue.record("lock taken in an open folder")
            return
        }
        #expect(reason.contains("open to other users"))
    }

    @Test func theFolderIsCreatedPrivate() {
        let folder = privateFolder()
        guard case .acquired = RefreshLock.acquire(name: "k", folder: folder, timeLimit: 0.05) else {
            Issue.record("lock not acquired")
            return
        }
        var info = stat()
        lstat(folder, &info)
        #expect(info.st_mode & 0o777 == 0o700)
    }
}

@Suite struct DeadlineTests {
    @Test func returnsTheValueOfQuickWork() {
        #expect(Deadline.start { 42 }.result(within: 1) == 42)
    }

    @Test func startedWorkAnswersEveryAsker() {
        let pending = Deadline.start { 7 }
        #expect(pending.result(within: 1) == 7)
        #expect(pending.result(within: 0) == 7)
    }

    @Test func stopsWaitingForSlowWork() {
        let started = MonotonicClock.now()
        let value: Int? = Deadline.start {
            var pause = timespec(tv_sec: 5, tv_nsec: 0)
            nanosleep(&pause, nil)
            return 1
        }.result(within: 0.1)
        #expect(value == nil)
        #expect(MonotonicClock.now() - started < 2)
    }
}
