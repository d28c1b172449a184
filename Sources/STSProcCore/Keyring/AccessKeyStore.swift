import FoundationEssentials
import Glibc

/// A profile's long-term access key, as `keys add` stores it.
public struct StoredAccessKey: Sendable, Equatable {
    public var profile: String
    public var credentials: AWSCredentials
    public var created: UTCTime
    /// The key a `keys rotate` replaced and has not yet deleted in IAM (finished by the next rotate).
    public var replaces: String? = nil

    /// `AKIA…WXYZ`: enough to tell keys apart, in labels and listings.
    public static func masked(_ keyID: String) -> String {
        keyID.count > 8 ? String(keyID.prefix(4)) + "…" + String(keyID.suffix(4)) : "****"
    }
}

/// Long-term access keys in the user's default Secret Service collection, one item per
/// profile: attributes `application=sts-proc`, `kind=access-key`, `profile`,
/// `access_key_id`; the secret is `{"AccessKeyId","SecretAccessKey","Created"}`. Never a
/// collection of its own (which would have a password of its own).
struct AccessKeyStore {
    static let kind = "access-key"
    /// Reading keys is on the way of every fetch that needs them; a wedged keyring must
    /// not hold credential_process (it then fails with a line saying so).
    var timeLimit = 2.0

    private struct Secret: Codable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Created: String
        var Replaces: String?
        /// When it was stored, in nanoseconds since 1970: `Created` has whole seconds, and
        /// two keys stored within one second must still be told apart (older items lack it).
        var Stored: Int64?
    }

    func load(profile: String) throws(KeyringFailure) -> StoredAccessKey? {
        try withSession(checkingCollection: false) { session throws(KeyringFailure) in
            let found = try session.search(Self.match(profile: profile), all: true)
            let unlocked = found.filter { !$0.isLocked }
            if unlocked.isEmpty && !found.isEmpty { throw .locked }
            var keys: [(key: StoredAccessKey, stored: Int64, item: SecretServiceItem)] = []
            for item in unlocked {
                if let text = try item.loadSecret(), let (key, stored) = Self.decodeWithOrder(text, profile: profile) {
                    keys.append((key, stored, item))
                }
            }
            // Normally one item. A kill between storing a key and deleting the one it
            // replaces leaves both: the key stored last is the one in use, and the others
            // are removed now (a rotated-out key stays named in the new key's `Replaces`).
            guard let newest = keys.max(by: { $0.stored < $1.stored }) else { return nil }
            for other in keys where other.item !== newest.item {
                try? other.item.delete()
            }
            return newest.key
        }
    }

    /// Stores the key, then removes the profile's other keys: a failed store loses nothing.
    func store(_ key: StoredAccessKey) throws(KeyringFailure) {
        guard let data = try? JSONEncoder().encode(Secret(AccessKeyId: key.credentials.accessKeyID,
                                                          SecretAccessKey: key.credentials.secretAccessKey,
                                                          Created: key.created.iso8601, Replaces: key.replaces,
                                                          Stored: Self.nanosecondsNow())) else {
            throw .unavailable("the key could not be encoded")
        }
        let secret = String(decoding: data, as: UTF8.self)
        var attributes = Self.match(profile: key.profile)
        attributes["access_key_id"] = key.credentials.accessKeyID
        let label = "sts-proc: access key of \(key.profile) (\(StoredAccessKey.masked(key.credentials.accessKeyID)))"
        try withSession { [attributes] session throws(KeyringFailure) in
            try session.store(attributes, label: label, secret: secret)
            // Best effort: the new key is stored, and `load` prefers the newest item.
            for item in (try? session.search(Self.match(profile: key.profile), all: true)) ?? []
            where !item.isLocked && item.attributes["access_key_id"] != attributes["access_key_id"] {
                try? item.delete()
            }
        }
    }

    /// Every stored key's profile, key ID and creation time (never the secret).
    func list() throws(KeyringFailure) -> [StoredAccessKey] {
        try withSession { session throws(KeyringFailure) in
            var keys: [StoredAccessKey] = []
            for item in try session.search(["application": SecretServiceStore.application, "kind": Self.kind], all: true)
            where !item.isLocked {
                guard let profile = item.attributes["profile"], let text = try item.loadSecret(),
                      var key = Self.decode(text, profile: profile) else { continue }
                key.credentials.secretAccessKey = ""
                keys.append(key)
            }
            return keys
        }
    }

    /// True when something was removed.
    func remove(profile: String) throws(KeyringFailure) -> Bool {
        try withSession { session throws(KeyringFailure) in
            let items = try session.search(Self.match(profile: profile), all: true).filter { !$0.isLocked }
            for item in items { try item.delete() }
            return !items.isEmpty
        }
    }

    private static func match(profile: String) -> [String: String] {
        ["application": SecretServiceStore.application, "kind": kind, "profile": profile]
    }

    private static func decode(_ text: String, profile: String) -> StoredAccessKey? {
        decodeWithOrder(text, profile: profile)?.key
    }

    /// The key and when it was stored (from `Created` for items stored before `Stored` was).
    private static func decodeWithOrder(_ text: String, profile: String) -> (key: StoredAccessKey, stored: Int64)? {
        guard let secret = try? JSONDecoder().decode(Secret.self, from: Data(text.utf8)),
              let created = UTCTime(iso8601: secret.Created) else { return nil }
        let credentials = AWSCredentials(accessKeyID: secret.AccessKeyId, secretAccessKey: secret.SecretAccessKey)
        guard CredentialCheck.problem(credentials) == nil else { return nil }
        let key = StoredAccessKey(profile: profile, credentials: credentials, created: created, replaces: secret.Replaces)
        return (key, secret.Stored ?? created.secondsSinceEpoch * 1_000_000_000)
    }

    private static func nanosecondsNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    private func withSession<Value: Sendable>(
        checkingCollection: Bool = true,
        _ body: @escaping @Sendable (SecretServiceSession) throws(KeyringFailure) -> Value
    ) throws(KeyringFailure) -> Value {
        let pending = Deadline.start { () -> Result<Value, KeyringFailure> in
            do throws(KeyringFailure) {
                let session = try SecretServiceSession()
                if checkingCollection { try session.requireUsableDefaultCollection() }
                return .success(try body(session))
            } catch {
                return .failure(error)
            }
        }
        guard let outcome = pending.result(within: timeLimit) else { throw .timedOut(seconds: timeLimit) }
        return try outcome.get()
    }
}
