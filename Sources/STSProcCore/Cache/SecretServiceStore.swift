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

    func replace(_ entry: CacheEntry, credentials: AWSCredentials, label: String) throws(KeyringFailure) {
        let match = Self.matchAttributes(entry)
        var attributes = match
        attributes["role"] = entry.roleARN
        attributes["expires"] = credentials.expiration.map { String($0.secondsSinceEpoch) } ?? "0"
        let secret = CachedCredential.encode(credentials)
        try withSession { [attributes] session throws(KeyringFailure) in
            // Storing replaces only an item with identical attributes; the old one has
            // another expiry, so remove it first.
            try session.clear(match)
            try session.store(attributes, label: label, secret: secret)
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
        let outcome = Deadline.run(seconds: timeLimit) { () -> Result<Value, KeyringFailure> in
            do throws(KeyringFailure) {
                let session = try SecretServiceSession()
                if checkingCollection { try session.requireUsableDefaultCollection() }
                return .success(try body(session))
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else { throw .timedOut(seconds: timeLimit) }
        return try outcome.get()
    }
}
