import Glibc

/// One refresher at a time per cache key (README, "Keyring cache"): an exclusive `flock` on a file in a
/// private per-user folder. The kernel drops the lock when its holder exits, however it
/// exits (SIGKILL included), so a crash never leaves the others waiting.
///
/// The holder removes the file before letting go, so lock files do not pile up (one per
/// profile and role ever used). That is safe only because a taker checks, once it holds the
/// lock, that its descriptor is still the file at the path: one that waited on a file the
/// holder then removed starts again on the new one, so two processes never hold "the" lock.
final class RefreshLock {
    let descriptor: Int32
    let path: String
    private var held = true

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { release() }

    /// Lets the next waiter in now rather than when this object goes away.
    func release() {
        guard held else { return }
        held = false
        // A kill before this line leaves the file, which the next holder removes.
        unlink(path)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Another process (the background store) now holds the lock through its own copy of
    /// the descriptor: ours is closed without unlocking or removing anything.
    func handOver() {
        guard held else { return }
        held = false
        close(descriptor)
    }

    /// The receiving side of `handOver`: the same release, on the inherited descriptor.
    static func releaseHandedOver(descriptor: Int32, path: String) {
        if isStillAtPath(descriptor, path) { unlink(path) }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Waits (up to `limit` seconds in all) until no refresh lock in `folder` is held: a
    /// refresh or a background store in flight has then finished, and what it stored can be
    /// removed (`cache clear`).
    static func waitForHolders(folder: String, limit: Double) {
        guard let directory = opendir(folder) else { return }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".lock") { names.append(name) }
        }
        closedir(directory)
        let end = MonotonicClock.now() + limit
        for name in names {
            let descriptor = open(folder + "/" + name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            _ = ExclusiveLock.take(descriptor, within: max(end - MonotonicClock.now(), 0))
            close(descriptor)
        }
    }

    enum Outcome {
        /// Got the lock; `waited` tells whether another process held it first (and so
        /// probably just refreshed the cache).
        case acquired(RefreshLock, waited: Bool)
        /// Could not lock (unsafe folder, I/O error) or waited `timeLimit` in vain:
        /// proceed without the lock. The text says why, for the note on stderr.
        case unavailable(String)
        /// The caller's `stopWaiting` said so while another process held the lock.
        case gaveUp
    }

    /// `$XDG_RUNTIME_DIR/sts-proc` (a private 0700 folder), or `/tmp/sts-proc-<uid>` with
    /// the same checks when XDG_RUNTIME_DIR is unset.
    static func folder(environment: [String: String]) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return runtime + "/sts-proc"
        }
        return "/tmp/sts-proc-\(geteuid())"
    }

    static func acquire(name: String, folder: String, timeLimit: Double, stopWaiting: () -> Bool = { false }) -> Outcome {
        if let problem = ensurePrivateFolder(folder) { return .unavailable(problem) }
        let path = folder + "/" + name + ".lock"
        let end = MonotonicClock.now() + RunDeadline.limit(timeLimit)
        var waited = false
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return .unavailable("cannot open \(path): \(String(cString: strerror(errno)))") }
            let outcome = ExclusiveLock.take(descriptor, within: max(end - MonotonicClock.now(), 0), stopWaiting: stopWaiting)
            guard case .acquired(let waitedHere) = outcome else {
                close(descriptor)
                return outcome == .gaveUp ? .gaveUp : .unavailable("another sts-proc held the refresh lock for \(Int(timeLimit)) s")
            }
            waited = waited || waitedHere
            if isStillAtPath(descriptor, path) {
                return .acquired(RefreshLock(descriptor: descriptor, path: path), waited: waited)
            }
            // The holder we waited for removed this file on release: take the current one.
            close(descriptor)
        }
    }

    private static func isStillAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var held = stat(), current = stat()
        guard fstat(descriptor, &held) == 0, lstat(path, &current) == 0 else { return false }
        return held.st_dev == current.st_dev && held.st_ino == current.st_ino
    }

    /// Creates the folder 0700 if needed and checks it is a real folder owned by this user
    /// that nobody else can enter: otherwise another user could hold our locks.
    static func ensurePrivateFolder(_ folder: String) -> String? {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            return "cannot create \(folder): \(String(cString: strerror(errno)))"
        }
        var info = stat()
        guard lstat(folder, &info) == 0 else { return "cannot inspect \(folder): \(String(cString: strerror(errno)))" }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return "\(folder) is not a folder" }
        guard info.st_uid == geteuid() else { return "\(folder) belongs to another user" }
        guard info.st_mode & 0o077 == 0 else { return "\(folder) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8)))" }
        return nil
    }
}
