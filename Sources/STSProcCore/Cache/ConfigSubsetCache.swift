import FoundationEssentials
import Glibc

/// Remembers, for each large shared file and profile, the sections the last plan read
/// (`ConfigSubset`), keyed by the file's identity: a cache hit with a config of thousands
/// of profiles then decodes a few sections instead of parsing megabytes.
///
/// Records live in the runtime folder (`$XDG_RUNTIME_DIR/sts-proc/config/`, private to the
/// user), one file per file and profile, replaced atomically, mode 0600. They hold no
/// secrets (`ConfigSubset.holdsSecrets`) and go stale by themselves: any change to the file
/// changes its identity, and a record for another identity is ignored and then replaced.
struct ConfigSubsetCache {
    /// Smaller files are parsed every time: under this size parsing costs about as much as
    /// reading and decoding a record.
    static let minimumSize: Int64 = 32 * 1024
    /// Larger records are not read back (a subset is a few sections).
    private static let recordLimit = 1 << 20
    private static let version = 1

    private struct Record: Codable {
        var version: Int
        var path: String
        var profile: String
        var identity: FileIdentity
        var subset: ConfigSubset
    }

    let folder: String

    init(environment: [String: String]) {
        folder = RefreshLock.folder(environment: environment) + "/config"
    }

    /// The subset kept for this version of the file and this profile, if any.
    func read(path: String, profile: String, identity: FileIdentity) -> ConfigSubset? {
        guard let bytes = try? BoundedFileReader.read(recordPath(path: path, profile: profile), limit: Self.recordLimit),
              let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)),
              record.version == Self.version, record.path == path, record.profile == profile,
              record.identity == identity else { return nil }
        return record.subset
    }

    /// Keeps a subset; silently does nothing when the folder is not usable (the next run
    /// parses the file again, nothing else changes).
    func write(path: String, profile: String, identity: FileIdentity, subset: ConfigSubset) {
        guard !subset.holdsSecrets,
              RefreshLock.ensurePrivateFolder(AtomicFile.parentFolder(of: folder)) == nil, RefreshLock.ensurePrivateFolder(folder) == nil,
              let data = try? JSONEncoder().encode(Record(version: Self.version, path: path, profile: profile,
                                                          identity: identity, subset: subset)) else { return }
        try? AtomicFile.replace(recordPath(path: path, profile: profile), with: String(decoding: data, as: UTF8.self))
    }

    /// Removes every record (`cache clear`).
    func removeAll() {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("subset-") { unlink(folder + "/" + name) }
        }
    }

    /// One record per file and profile: a newer version of the file replaces the older record.
    private func recordPath(path: String, profile: String) -> String {
        folder + "/subset-" + CacheKey.shortHash(path + "\u{0}" + profile)
    }
}
