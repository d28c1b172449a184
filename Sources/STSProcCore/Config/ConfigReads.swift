import Synchronization

/// The names a run looked up in the shared files (found or not): what a plan depended on.
/// The subset cache (`ConfigSubsetCache`) keeps only the sections these names select, and
/// trusts a kept subset only for runs whose lookups it recorded.
struct ConfigReadSet: Codable, Equatable, Sendable {
    var profiles: Set<String> = []
    var ssoSessions: Set<String> = []
    var services: Set<String> = []

    func isSubset(of other: ConfigReadSet) -> Bool {
        profiles.isSubset(of: other.profiles) && ssoSessions.isSubset(of: other.ssoSessions)
            && services.isSubset(of: other.services)
    }
}

/// Shared by every copy of one `SharedConfig` (it is a value, handed to several readers).
final class ConfigReads: Sendable {
    private let names = Mutex(ConfigReadSet())

    func profile(_ name: String) { names.withLock { _ = $0.profiles.insert(name) } }
    func ssoSession(_ name: String) { names.withLock { _ = $0.ssoSessions.insert(name) } }
    func services(_ name: String) { names.withLock { _ = $0.services.insert(name) } }

    var recorded: ConfigReadSet { names.withLock { $0 } }
}
