import Glibc

/// Replaces a file so that a crash or a kill at any moment leaves either the old file or
/// the new one, never half of one: a temporary file in the same folder (mode 0600), written
/// and flushed to disk, renamed over the old one, and the folder flushed.
enum AtomicFile {
    /// Why the file could not be replaced; names no content.
    struct Failure: Error {
        var reason: String
    }

    static func replace(_ path: String, with text: String) throws(Failure) {
        var template = Array((path + ".sts-proc-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Failure(reason: "cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        fchmod(descriptor, 0o600)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw Failure(reason: "cannot write: \(reason)")
            }
            offset += written
        }
        // Closed whatever fsync says: the descriptor may be of a file holding credentials.
        let flushed = fsync(descriptor) == 0 ? 0 : errno
        let closed = close(descriptor) == 0 ? 0 : errno
        if flushed != 0 || closed != 0 {
            throw Failure(reason: "cannot flush: \(String(cString: strerror(flushed != 0 ? flushed : closed)))")
        }
        guard rename(temporary, path) == 0 else { throw Failure(reason: "cannot replace it: \(String(cString: strerror(errno)))") }
        succeeded = true
        let directory = open(parentFolder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
