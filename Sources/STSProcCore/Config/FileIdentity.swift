import Glibc

/// What tells one version of a file from another without reading it: device, inode, size,
/// and the modification and change times to the nanosecond. Any write changes the change
/// time; a replacement by rename (how editors and sts-proc save) changes the inode.
struct FileIdentity: Codable, Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var changed: Int64
    var changedNanoseconds: Int64

    /// The identity of a regular file at `path` (links followed, as the reader does); nil
    /// for anything else, which the subset cache leaves to the full read.
    static func of(_ path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return FileIdentity(status)
    }

    /// The identity of an open file: what was read from it is what it names.
    static func of(descriptor: Int32) -> FileIdentity? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return FileIdentity(status)
    }


    /// Git's "racily clean" rule, on the change time (which every write sets and nobody can
    /// set back): a file changed within the last three seconds may change again within the
    /// same tick of the file system's clock (two seconds on FAT), leaving its identity as it
    /// was, so what was read from it is not remembered. `now`: seconds since the epoch.
    func isRecent(now: Double) -> Bool {
        let latest = max(Double(modified) + Double(modifiedNanoseconds) / 1e9, Double(changed) + Double(changedNanoseconds) / 1e9)
        return latest >= now - 3
    }

    /// The wall clock, to the nanosecond, for `isRecent`.
    static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension FileIdentity {
    /// From `stat`'s answer; nil unless it is a regular file. (In an extension, so that the
    /// memberwise initializer stays.)
    init?(_ status: stat) {
        guard status.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                  modified: Int64(status.st_mtim.tv_sec), modifiedNanoseconds: Int64(status.st_mtim.tv_nsec),
                  changed: Int64(status.st_ctim.tv_sec), changedNanoseconds: Int64(status.st_ctim.tv_nsec))
    }
}
