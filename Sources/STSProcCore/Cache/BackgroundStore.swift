import FoundationEssentials
import Glibc

/// Storing a fetched credential in the Secret Service after it has been printed (README,
/// "Keyring cache"): an encrypted session and a `CreateItem` that gnome-keyring writes to
/// disk are most of what stands between STS's answer and the caller, and the caller does
/// not need to wait for them. The fetching process writes the kernel copy, hands the store
/// and its refresh lock to a new sts-proc process (`__store`, reading its order from a
/// pipe, never from argv), prints and exits. The store process has no stdout or stderr
/// (the SDK's read ends with the parent), runs in a process group of its own, holds the lock
/// until the item is stored (waiters are served from the copy, or from the item when
/// copies are off), and dies at its deadline whatever happens.
public enum BackgroundStore {
    public static let argument = "__store"

    struct Order: Codable {
        var profile: String
        var material: String
        var roleARN: String
        var label: String
        var validAfter: Int64
        var credentials: String
        var lockPath: String
        var kernelCopies: Bool
        var seconds: Double
        /// Starts the note about a failed store, which is left for the next run to print
        /// since this process has no stderr.
        var notePrefix: String
    }

    /// Starts the store process with `lock` handed over; false when it could not be started
    /// (the caller stores itself, and still holds the lock).
    static func handOver(_ order: Order, lock: RefreshLock) -> Bool {
        guard let data = try? JSONEncoder().encode(order), data.count < 60_000 else { return false }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return false }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        defer { close(ends[1]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, lock.descriptor, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own: a Ctrl-C or a kill of the caller's group does not reach
        // it half-way (and if something does, the cache is left as it was).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let argv = [strdup("sts-proc"), strdup(argument), nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, "/proc/self/exe", &actions, &attributes, argv, environ)
        close(ends[0])
        guard started == 0 else { return false }
        let written = data.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        guard written == data.count else {
            // The child reads a short order as none and exits; the lock is still ours.
            return false
        }
        lock.handOver()
        return true
    }

    /// The store process: reads its order, stores, adjusts the kernel copy if the store
    /// failed, releases the lock and exits. Never prints (no stdout or stderr).
    public static func runStoreProcess() -> Never {
        guard let bytes = try? BoundedFileReader.read(descriptor: 0, limit: 64 << 10),
              let order = try? JSONDecoder().decode(Order.self, from: Data(bytes)),
              let credentials = CachedCredential.decode(order.credentials) else { exit(1) }
        // The deadline, and a hard stop past it: nothing outlives its run.
        RunDeadline.set(seconds: order.seconds)
        alarm(UInt32(order.seconds.rounded(.up)) + 1)
        let entry = CacheEntry(profile: order.profile, key: CacheKey(material: order.material), roleARN: order.roleARN)
        let validAfter = UTCTime(secondsSinceEpoch: order.validAfter)
        let store = SecretServiceStore()
        do throws(KeyringFailure) {
            try store.beginReplace(entry).finish(credentials, order.label)
        } catch {
            let folder = String(order.lockPath[..<(order.lockPath.lastIndex(of: "/") ?? order.lockPath.endIndex)])
            let outcome = KeyringCache.meansNoSecretService(error) && order.kernelCopies
                ? "the credential is kept in the kernel keyring instead" : "the credential was not cached"
            QuietNotes(folder: folder).leave("\(order.notePrefix)\(error.explanation); \(outcome).")
            if order.kernelCopies {
                // As when storing in-process: without a Secret Service the copy is the
                // cache; refused by one (locked, not answering), it serves this burst only.
                let limit = KeyringCache.meansNoSecretService(error) ? Int64.max : KernelKeyringCache.burstLifetime
                KernelKeyringCache().write(profile: order.profile, material: order.material, credentials: credentials,
                                           validAfter: validAfter, limit: limit)
            }
        }
        RefreshLock.releaseHandedOver(descriptor: 3, path: order.lockPath)
        exit(0)
    }
}
