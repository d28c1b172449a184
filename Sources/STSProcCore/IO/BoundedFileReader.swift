import Glibc

/// Reads a whole small file without ever blocking or reading without end: opened
/// non-blocking, required to be a regular file (a FIFO or device could stall or stream
/// forever), and cut off past a size limit.
enum BoundedFileReader {
    enum Failure: Error, Equatable {
        case missing
        case directory
        /// A FIFO, device or socket (`/dev/null` included).
        case special
        case unreadable(errno: Int32)
        case tooLarge(limit: Int)
    }

    /// `flags`: e.g. O_NOFOLLOW.
    static func read(_ path: String, limit: Int, flags: Int32 = 0) throws(Failure) -> [UInt8] {
        let (descriptor, _) = try openRegularFile(path, flags: flags)
        defer { close(descriptor) }
        return try read(descriptor: descriptor, limit: limit)
    }

    /// The bytes, and the identity of the file they were read from when it did not change
    /// while it was read (nil when it did): taken from the open file, so a path that is
    /// switched to another file meanwhile cannot pair one file's bytes with another's identity.
    /// `flags`: e.g. O_NOFOLLOW.
    static func readIdentified(_ path: String, limit: Int, flags: Int32 = 0) throws(Failure) -> (bytes: [UInt8], identity: FileIdentity?) {
        let (descriptor, status) = try openRegularFile(path, flags: flags)
        defer { close(descriptor) }
        let before = FileIdentity(status)
        let bytes = try read(descriptor: descriptor, limit: limit)
        return (bytes, FileIdentity.of(descriptor: descriptor) == before ? before : nil)
    }

    /// Opened non-blocking (a FIFO would otherwise block the open), then required to be a
    /// regular file.
    private static func openRegularFile(_ path: String, flags: Int32 = 0) throws(Failure) -> (Int32, stat) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | flags)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing }
            throw .unreadable(errno: code)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw .unreadable(errno: code)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return (descriptor, status)
        case S_IFDIR: close(descriptor); throw .directory
        default: close(descriptor); throw .special
        }
    }

    /// Everything up to end of file from an open descriptor (a file, or standard input).
    static func read(descriptor: Int32, limit: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
    }
}

extension BoundedFileReader.Failure {
    var explanation: String {
        switch self {
        case .missing: return "it does not exist"
        case .directory: return "it is a directory"
        case .special: return "it is not a regular file"
        case .unreadable(let code): return String(cString: strerror(code))
        case .tooLarge(let limit): return "it is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB")"
        }
    }
}
