import Glibc

/// Notes that do not make a run fail ("the Secret Service is unavailable …") are printed at
/// most once an hour per user and kind: the Go and Ruby SDKs pass credential_process's
/// stderr through on success too, so a note on every run would land in every application's
/// output. The last time each kind was printed is an empty file's modification time in the
/// private runtime folder. `doctor` shows every note; errors are never held back.
public struct QuietNotes: Sendable {
    public static let interval: Int64 = 3600
    let folder: String

    public init(environment: [String: String]) {
        folder = RefreshLock.folder(environment: environment)
    }

    init(folder: String) { self.folder = folder }

    /// `print` wrapped so that a note already shown within the hour is dropped.
    public func gate(_ print: @escaping @Sendable (String) -> Void) -> @Sendable (String) -> Void {
        let notes = self
        return { text in if notes.shouldPrint(text) { print(text) } }
    }

    /// True the first time a kind of note is seen within the interval (and records it);
    /// true as well when nothing can be recorded: a note too many beats a note lost.
    func shouldPrint(_ text: String, now: Int64 = Int64(time(nil))) -> Bool {
        guard RefreshLock.ensurePrivateFolder(folder) == nil else { return true }
        let path = folder + "/note-" + CacheKey.shortHash(Self.kind(of: text)) + ".seen"
        var info = stat()
        if stat(path, &info) == 0, now - Int64(info.st_mtim.tv_sec) < Self.interval { return false }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return true }
        futimens(descriptor, nil)  // now
        close(descriptor)
        return true
    }

    /// A note from a process without stderr (the background store), for the next run.
    func leave(_ text: String) {
        guard RefreshLock.ensurePrivateFolder(folder) == nil else { return }
        let descriptor = open(folder + "/pending-notes", O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let line = String(text.prefix(1000).filter { $0 != "\n" }) + "\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
    }

    /// Prints (through the hourly gate) and removes the notes left by `leave`.
    public func deliverPending(_ print: @escaping @Sendable (String) -> Void) {
        let path = folder + "/pending-notes"
        let taken = path + ".\(getpid())"
        // Renamed first: a note left meanwhile goes to the next run, not lost.
        guard rename(path, taken) == 0 else { return }
        defer { unlink(taken) }
        guard let bytes = try? BoundedFileReader.read(taken, limit: 64 << 10) else { return }
        let gated = gate(print)
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") { gated(String(line)) }
    }

    /// The note without its numbers (times, durations, counts), so that the same cause is
    /// one kind however its details vary.
    static func kind(of text: String) -> String {
        String(text.unicodeScalars.filter { !("0"..."9").contains($0) }.map(Character.init))
    }
}
