/// Why the keyring could not be used. None of these ever fails a credential fetch; they
/// become one note on stderr and the credential is fetched without the cache.
public enum KeyringFailure: Error, Equatable, Sendable {
    /// No session bus, no Secret Service on it, or a D-Bus error: libsecret's own words.
    case unavailable(String)
    /// The default collection is locked. libsecret would report a lookup as "not found"
    /// and a store would fail (or, with a display, prompt forever), so this is checked first.
    case locked
    /// The Secret Service has no default collection to store into.
    case noDefaultCollection
    /// The keyring did not answer within the time limit.
    case timedOut(seconds: Double)

    public var explanation: String {
        switch self {
        case .unavailable(let detail): return "the Secret Service is unavailable (\(detail))"
        case .locked: return "the default keyring collection is locked"
        case .noDefaultCollection: return "the Secret Service has no default collection"
        case .timedOut(let seconds): return "the keyring did not answer within \(Int(seconds * 1000)) ms"
        }
    }
}
