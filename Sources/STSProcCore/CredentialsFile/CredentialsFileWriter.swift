import Glibc

/// Writes the shared credentials file the safe way: the previous file kept as
/// `<file>.bak`, the new one written to a temporary file in the same folder (mode 0600),
/// flushed to disk, and renamed over the old one, so a crash leaves either the old file or
/// the new one, never half of one. A symbolic link (dotfile managers) is followed, not replaced.
enum CredentialsFileWriter {
    struct Written {
        var path: String
        var backupPath: String?
    }

    /// Reads, edits and replaces the file while holding an exclusive lock on its folder, so
    /// that two sts-proc runs writing different sections both land. `edit` returns the new
    /// text and the text it replaced (nil when there was no file).
    static func editLocked(_ requestedPath: String,
                           _ edit: () throws(STSProcError) -> (String, String?)) throws(STSProcError) -> Written {
        let path = resolvedPath(requestedPath)
        let folder = parentFolder(of: path)
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw failure(path, "cannot create \(folder): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw failure(path, "cannot open \(folder): \(String(cString: strerror(errno)))") }
        defer { close(directory) }  // closing releases the lock
        guard case .acquired = ExclusiveLock.take(directory, within: 10) else {
            throw failure(path, "another sts-proc write held \(folder) for 10 s")
        }
        let (text, previous) = try edit()
        return try write(text, to: path, previous: previous)
    }

    private static func write(_ text: String, to path: String, previous: String?) throws(STSProcError) -> Written {
        let folder = parentFolder(of: path)
        var backupPath: String?
        if let previous {
            backupPath = path + ".bak"
            try replaceAtomically(backupPath!, with: previous, folder: folder)
        }
        try replaceAtomically(path, with: text, folder: folder)
        return Written(path: path, backupPath: backupPath)
    }

    private static func replaceAtomically(_ path: String, with text: String, folder: String) throws(STSProcError) {
        var template = Array((path + ".sts-proc-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file: \(String(cString: strerror(errno)))") }
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
                throw failure(path, "cannot write: \(reason)")
            }
            offset += written
        }
        // Closed whatever fsync says: the descriptor is of a file holding credentials.
        let flushed = fsync(descriptor) == 0 ? 0 : errno
        let closed = close(descriptor) == 0 ? 0 : errno
        if flushed != 0 || closed != 0 {
            throw failure(path, "cannot flush: \(String(cString: strerror(flushed != 0 ? flushed : closed)))")
        }
        guard rename(temporary, path) == 0 else { throw failure(path, "cannot replace it: \(String(cString: strerror(errno)))") }
        succeeded = true
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func failure(_ path: String, _ reason: String) -> STSProcError {
        STSProcError(.configuration, failure: "cannot write the credentials file \(path)", reason: reason,
                     remedy: "Check the folder's permissions; the previous file is unchanged")
    }
}
