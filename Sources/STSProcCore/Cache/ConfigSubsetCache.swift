import FoundationEssentials
import Glibc

/// Remembers, for each large shared file and profile, the sections the last plan read
/// (`ConfigSubset`), keyed by the file's identity: a cache hit with a config of thousands
/// of profiles then decodes a few sections instead of parsing megabytes.
///
/// Records live in the runtime folder (`$XDG_RUNTIME_DIR/sts-proc/config/`, or
/// `/tmp/sts-proc-<uid>/config/`), one file per shared file, kind and profile, replaced
/// atomically, mode 0600. A record steers what runs (`credential_process` lines, endpoints),
/// so one is read only from folders and files that belong to the user and are closed to
/// everyone else: in /tmp another user could otherwise make the folder first and plant one.
/// Records hold no secret values (`ConfigSubset.holdsSecrets`) and go stale by themselves:
/// any change to the file changes its identity, and a record for another identity is
/// ignored and then replaced.
struct ConfigSubsetCache {
    /// Smaller files are parsed every time: under this size parsing costs about as much as
    /// reading and decoding a record.
    static let minimumSize: Int64 = 32 * 1024
    /// Larger records are not read back (a subset is a few sections).
    private static let recordLimit = 1 << 20
    private static let version = 1

    private struct Record: Codable {
        var version: Int
        var kind: ConfigSubset.FileKind
        var path: String
        var profile: String
        var identity: FileIdentity
        var subset: ConfigSubset
    }

    let folder: String

    init(environment: [String: String]) {
        folder = RefreshLock.folder(environment: environment) + "/config"
    }

    /// The subset kept for this version of the file, read as `kind`, for this profile.
    func read(kind: ConfigSubset.FileKind, path: String, profile: String, identity: FileIdentity) -> ConfigSubset? {
        guard isPrivate, let bytes = try? BoundedFileReader.read(recordPath(kind: kind, path: path, profile: profile),
                                                                 limit: Self.recordLimit, flags: O_NOFOLLOW),
              let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)),
              record.version == Self.version, record.kind == kind, record.path == path, record.profile == profile,
              record.identity == identity else { return nil }
        return record.subset
    }

    /// Keeps a subset; silently does nothing when the folder is not usable (the next run
    /// parses the file again, nothing else changes).
    func write(kind: ConfigSubset.FileKind, path: String, profile: String, identity: FileIdentity, subset: ConfigSubset) {
        guard !subset.holdsSecrets, isPrivate,
              let data = try? JSONEncoder().encode(Record(version: Self.version, kind: kind, path: path, profile: profile,
                                                          identity: identity, subset: subset)) else { return }
        try? AtomicFile.replace(recordPath(kind: kind, path: path, profile: profile), with: String(decoding: data, as: UTF8.self))
        removeRecords { $0 < FileIdentity.now - Self.unusedLifetime }
    }

    /// Records not written for this long are removed when another is written: those of
    /// files and profiles no longer used (a temporary AWS_CONFIG_FILE) would otherwise stay.
    /// One still in use costs a single full parse to make again.
    static let unusedLifetime: Double = 14 * 24 * 3600

    /// Removes every record (`cache clear`).
    func removeAll() { removeRecords { _ in true } }

    /// Removes the records whose modification time (seconds since the epoch) `matches`.
    private func removeRecords(where matches: (Double) -> Bool) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("subset-") else { continue }
            var status = stat()
            guard lstat(folder + "/" + name, &status) == 0,
                  matches(Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9) else { continue }
            unlink(folder + "/" + name)
        }
    }

    /// The runtime folder and ours in it exist (made 0700 if not), belong to the user and
    /// are closed to others; files made in it are 0600 (AtomicFile), and only such a folder
    /// is written or read.
    private var isPrivate: Bool {
        RefreshLock.ensurePrivateFolder(AtomicFile.parentFolder(of: folder)) == nil
            && RefreshLock.ensurePrivateFolder(folder) == nil
    }

    /// One record per file, kind and profile: a newer version of the file replaces the
    /// older record. The kind is part of it because both variables may name one file.
    private func recordPath(kind: ConfigSubset.FileKind, path: String, profile: String) -> String {
        folder + "/subset-" + CacheKey.shortHash(kind.rawValue + "\u{0}" + path + "\u{0}" + profile)
    }
}
