/// The cache in the user's default Secret Service collection. Every operation runs under a
/// time limit, checks first that the collection is unlocked (so libsecret can neither
/// mistake a locked collection for "not found" nor raise an unlock prompt), and reports
/// any trouble as a `KeyringFailure` for the caller to note and carry on without.
struct SecretServiceStore: CredentialStore {
    static let application = "sts-proc"
    /// Long enough for a D-Bus connection and a few round trips on a loaded machine, short
    /// enough that a wedged keyring costs a fraction of a second.
    var timeLimit = 0.75

    func lookup(_ entry: CacheEntry, validAfter: UTCTime) throws(KeyringFailure) -> CacheLookup {
        let match = Self.matchAttributes(entry)
        // The hit path skips the collection check (four bus calls): a found item says
        // itself whether it is locked (searching without the unlock flag returns locked
        // items too, but never prompts), and on a miss the store's own check is where a
        // locked collection shows.
        return try withSession(checkingCollection: false) { session throws(KeyringFailure) in
            let found = try session.search(match, all: true)
            let unlocked = found.filter { !$0.isLocked }
            if unlocked.isEmpty && !found.isEmpty { throw .locked }
            // Normally one item; should an old one have survived a replacement (a kill between
            // storing the new item and deleting the old), the newest is the one that counts,
            // and the others are removed now rather than at the next refresh.
            let expiry = { (item: SecretServiceItem) in item.attributes["expires"].flatMap { Int64($0) } }
            guard let item = unlocked.max(by: { (expiry($0) ?? .min) < (expiry($1) ?? .min) }) else { return .miss }
            for other in unlocked where other !== item && (expiry(other) ?? .min) < (expiry(item) ?? .min) {
                try? other.delete()
            }
            guard let expires = expiry(item) else { return .corrupt }
            guard expires > validAfter.secondsSinceEpoch else { return .miss }
            guard let secret = try item.loadSecret(), let credentials = CachedCredential.decode(secret) else {
                return .corrupt
            }
            guard let expiration = credentials.expiration, expiration > validAfter else { return .miss }
            return .hit(credentials)
        }
    }

    func beginReplace(_ entry: CacheEntry) -> PendingReplace {
        let match = Self.matchAttributes(entry)
        // The connection, the collection check and the encrypted session are made while the
        // credential is fetched: on a cold run they used to follow the STS request.
        let preparation = Self.start { () throws(KeyringFailure) in
            let session = try SecretServiceSession()
            try session.requireUsableDefaultCollection()
            try session.openEncryptedSession()
            return PreparedSession(session: session)
        }
        let timeLimit = self.timeLimit
        return PendingReplace(finish: { credentials, label throws(KeyringFailure) in
            // One limit for the whole of the store, however long the preparation took.
            let end = MonotonicClock.now() + timeLimit
            guard let preparing = preparation.result(within: timeLimit) else { throw .timedOut(seconds: timeLimit) }
            let prepared = try preparing.get()
            var attributes = match
            attributes["role"] = entry.roleARN
            attributes["expires"] = credentials.expiration.map { String($0.secondsSinceEpoch) } ?? "0"
            let secret = CachedCredential.encode(credentials)
            let stored = Self.start { [attributes] () throws(KeyringFailure) in
                try prepared.session.store(attributes, label: label, secret: secret)
                // Storing replaced an item with identical attributes in place; older ones
                // (another expiry) are removed only now, so a failed store loses nothing.
                // Best effort: lookups pick the newest item anyway, and a locked item (in
                // another collection) is left alone rather than raise an unlock prompt.
                let previous = (try? prepared.session.search(match, all: true)) ?? []
                for item in previous where !item.isLocked && item.attributes["expires"] != attributes["expires"] {
                    try? item.delete()
                }
            }
            guard let outcome = stored.result(within: max(end - MonotonicClock.now(), 0)) else {
                throw .timedOut(seconds: timeLimit)
            }
            try outcome.get()
        }, abandon: {
            _ = preparation.result(within: timeLimit)
        })
    }

    func list() throws(KeyringFailure) -> [CacheListing] {
        try withSession { session throws(KeyringFailure) in
            try session.search(["application": Self.application], all: true).filter { !Self.isAccessKey($0) }.map { item in
                let attributes = item.attributes
                return CacheListing(profile: attributes["profile"] ?? "?", roleARN: attributes["role"] ?? "?",
                                    expiration: attributes["expires"].flatMap { Int64($0) }.map(UTCTime.init))
            }
        }
    }

    /// Every sts-proc item's attributes (cached credentials and stored keys), for `list`:
    /// attributes only, so no secret crosses D-Bus and no locked item asks to be unlocked.
    func inventory() throws(KeyringFailure) -> [KeyringItemSummary] {
        try withSession { session throws(KeyringFailure) in
            try session.search(["application": Self.application], all: true).map { item in
                let attributes = item.attributes
                return KeyringItemSummary(profile: attributes["profile"] ?? "", isAccessKey: Self.isAccessKey(item),
                                          expiration: attributes["expires"].flatMap { Int64($0) }.map(UTCTime.init))
            }
        }
    }

    /// Cached credentials only: stored access keys (`keys add`) are removed by `keys remove` alone.
    func remove(profile: String?) throws(KeyringFailure) {
        var match = ["application": Self.application]
        if let profile { match["profile"] = profile }
        try withSession { [match] session throws(KeyringFailure) in
            for item in try session.search(match, all: true) where !item.isLocked && !Self.isAccessKey(item) {
                try item.delete()
            }
        }
    }

    static func isAccessKey(_ item: SecretServiceItem) -> Bool {
        item.attributes["kind"] == AccessKeyStore.kind
    }

    func probe() throws(KeyringFailure) {
        try withSession { _ throws(KeyringFailure) in }
    }

    private static func matchAttributes(_ entry: CacheEntry) -> [String: String] {
        ["application": application, "profile": entry.profile, "key": entry.key.digest]
    }

    private func withSession<Value: Sendable>(
        checkingCollection: Bool = true,
        _ body: @escaping @Sendable (SecretServiceSession) throws(KeyringFailure) -> Value
    ) throws(KeyringFailure) -> Value {
        try Self.outcome(of: Self.start { () throws(KeyringFailure) in
            let session = try SecretServiceSession()
            if checkingCollection { try session.requireUsableDefaultCollection() }
            return try body(session)
        }, within: timeLimit)
    }

    /// Keyring work on its own thread (libsecret may block without bound), started now.
    private static func start<Value: Sendable>(
        _ work: @escaping @Sendable () throws(KeyringFailure) -> Value
    ) -> Deadline.Pending<Result<Value, KeyringFailure>> {
        Deadline.start { () -> Result<Value, KeyringFailure> in
            do throws(KeyringFailure) { return .success(try work()) } catch { return .failure(error) }
        }
    }

    /// The work's value or failure, or `.timedOut` if it is not done `seconds` from now.
    private static func outcome<Value: Sendable>(of pending: Deadline.Pending<Result<Value, KeyringFailure>>,
                                                 within seconds: Double) throws(KeyringFailure) -> Value {
        guard let outcome = pending.result(within: seconds) else { throw .timedOut(seconds: seconds) }
        return try outcome.get()
    }
}

/// A session made ready for storing. Built on one keyring thread and used by the next,
/// never by two at once.
private struct PreparedSession: @unchecked Sendable {
    let session: SecretServiceSession
}
