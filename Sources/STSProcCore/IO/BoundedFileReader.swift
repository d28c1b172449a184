import Glibc

/// Reads a whole small file without ever blocking or reading without end: opened
/// non-blocking, required to be a regular file (a FIFO or device could stall or stream
/// forever), and cut off past a size limit.
enum BoundedFileReader {
    enum Failure: Error, Equatable {
        case missing
        case notAFile(String)
        case unreadable(String)
        case tooLarge(limit: Int)
    }

    static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing }
            throw .unreadable(String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .notAFile("it is a directory")
        default: throw .notAFile("it is not a regular file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
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
        case .notAFile(let why), .unreadable(let why): return why
        case .tooLarge(let limit): return "it is larger than \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit >> 10) KiB")"
        }
    }
}
