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
            guard let item = try session.search(match, all: false).first else { return .miss }
            if item.isLocked { throw .locked }
            guard let expires = item.attributes["expires"].flatMap({ Int64($0) }) else { return .corrupt }
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
        // The connection, the collection check, the encrypted session and the search for the
        // item(s) to replace go on while the credential is fetched: on a cold run they used to
        // follow the STS request one after another.
        let preparation = Self.start { () throws(KeyringFailure) in
            let session = try SecretServiceSession()
            try session.requireUsableDefaultCollection()
            try session.openEncryptedSession()
            return PreparedReplace(session: session, previous: try session.search(match, all: true))
        }
        let timeLimit = self.timeLimit
        return PendingReplace { credentials, label throws(KeyringFailure) in
            guard let prepared = preparation.result(within: timeLimit) else { throw .timedOut(seconds: timeLimit) }
            let replace = try prepared.get()
            var attributes = match
            attributes["role"] = entry.roleARN
            attributes["expires"] = credentials.expiration.map { String($0.secondsSinceEpoch) } ?? "0"
            let secret = CachedCredential.encode(credentials)
            try Self.outcome(of: Self.start { [attributes] () throws(KeyringFailure) in
                try replace.session.store(attributes, label: label, secret: secret)
                // Storing replaced an item with identical attributes in place; the others
                // (another expiry) go only now, so a failed store loses nothing.
                for item in replace.previous where item.attributes["expires"] != attributes["expires"] {
                    try item.delete()
                }
            }, within: timeLimit)
        }
    }

    func list() throws(KeyringFailure) -> [CacheListing] {
        try withSession { session throws(KeyringFailure) in
            try session.search(["application": Self.application], all: true).map { item in
                let attributes = item.attributes
                return CacheListing(profile: attributes["profile"] ?? "?", roleARN: attributes["role"] ?? "?",
                                    expiration: attributes["expires"].flatMap { Int64($0) }.map(UTCTime.init))
            }
        }
    }

    func remove(profile: String?) throws(KeyringFailure) {
        var match = ["application": Self.application]
        if let profile { match["profile"] = profile }
        try withSession { [match] session throws(KeyringFailure) in try session.clear(match) }
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

/// A session made ready for storing, and the items it will replace. Built on one keyring
/// thread and used by the next, never by two at once.
private struct PreparedReplace: @unchecked Sendable {
    let session: SecretServiceSession
    let previous: [SecretServiceItem]
}
