import Glibc

/// Writes a shared file (credentials or config) the safe way: the previous file kept as
/// `<file>.bak`, the new one written to a temporary file in the same folder (mode 0600),
/// flushed to disk, and renamed over the old one, so a crash leaves either the old file or
/// the new one, never half of one. A symbolic link (dotfile managers) is followed, not replaced.
enum SharedFileWriter {
    struct Written {
        var path: String
        var backupPath: String?
    }

    /// Reads, edits and replaces the file while holding an exclusive lock on its folder, so
    /// that two sts-proc runs writing different sections both land. `edit` returns the new
    /// text and the text it replaced (nil when there was no file).
    static func editLocked(_ requestedPath: String, kind: String = "credentials file",
                           _ edit: () throws(STSProcError) -> (String, String?)) throws(STSProcError) -> Written {
        let path = resolvedPath(requestedPath)
        let folder = parentFolder(of: path)
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw failure(path, kind, "cannot create \(folder): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw failure(path, kind, "cannot open \(folder): \(String(cString: strerror(errno)))") }
        defer { close(directory) }  // closing releases the lock
        guard case .acquired = ExclusiveLock.take(directory, within: 10) else {
            throw failure(path, kind, "another sts-proc write held \(folder) for 10 s")
        }
        let (text, previous) = try edit()
        return try write(text, to: path, previous: previous, kind: kind)
    }

    private static func write(_ text: String, to path: String, previous: String?, kind: String) throws(STSProcError) -> Written {
        var backupPath: String?
        if let previous {
            backupPath = path + ".bak"
            try replaceAtomically(backupPath!, with: previous, kind: kind)
        }
        try replaceAtomically(path, with: text, kind: kind)
        return Written(path: path, backupPath: backupPath)
    }

    private static func replaceAtomically(_ path: String, with text: String, kind: String) throws(STSProcError) {
        do {
            try AtomicFile.replace(path, with: text)
        } catch {
            throw failure(path, kind, error.reason)
        }
    }

    private static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func parentFolder(of path: String) -> String { AtomicFile.parentFolder(of: path) }

    private static func failure(_ path: String, _ kind: String, _ reason: String) -> STSProcError {
        STSProcError(.configuration, failure: "cannot write the \(kind) \(path)", reason: reason,
                     remedy: "Check the folder's permissions; the previous file is unchanged")
    }
}
