/// Where cached credentials live. The real one is the Secret Service; tests use memory.
protocol CredentialStore {
    /// The credential stored under `entry` if it expires after `validAfter` (checked on the
    /// item's attributes before the secret is fetched, saving a round trip for stale items).
    /// `.corrupt` for an item whose secret cannot be read back.
    func lookup(_ entry: CacheEntry, validAfter: UTCTime) throws(KeyringFailure) -> CacheLookup
    /// Starts what storing under `entry` needs (connection, checks, the items to replace)
    /// without changing anything stored, so that it overlaps with fetching the credential
    /// and a failed fetch leaves the cache as it was. `finish` then stores the credential,
    /// removing whatever was stored under `entry` before.
    func beginReplace(_ entry: CacheEntry) -> PendingReplace
    /// Every sts-proc item's public attributes.
    func list() throws(KeyringFailure) -> [CacheListing]
    /// Removes every sts-proc item, or only one profile's.
    func remove(profile: String?) throws(KeyringFailure)
    /// Fails unless items could be stored now (reachable, default collection unlocked);
    /// lookups skip this check to stay fast.
    func probe() throws(KeyringFailure)
}

/// A replacement begun with `CredentialStore.beginReplace`: either `finish` or `abandon`
/// is called, once.
struct PendingReplace {
    /// Stores the credential with the given label.
    let finish: (_ credentials: AWSCredentials, _ label: String) throws(KeyringFailure) -> Void
    /// Nothing will be stored: waits (within the keyring time limit) for the preparation
    /// to end, so that the process does not exit in the middle of a keyring call.
    var abandon: () -> Void = {}
}

/// The attributes that find one cached credential.
struct CacheEntry: Sendable, Equatable {
    var profile: String
    var key: CacheKey
    /// Shown in `cache list` and the keyring item's label; not part of the match.
    var roleARN: String
}

enum CacheLookup: Sendable, Equatable {
    case hit(AWSCredentials)
    /// Nothing stored, or what is stored is too close to expiry.
    case miss
    case corrupt
}

/// What `cache list` shows: never a secret.
public struct CacheListing: Sendable, Equatable {
    public var profile: String
    public var roleARN: String
    public var expiration: UTCTime?
}
