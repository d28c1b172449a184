import Glibc

/// Replaces a file so that a crash or a kill at any moment leaves either the old file or
/// the new one, never half of one: the new text is written and flushed to disk in an
/// unnamed file of the same folder (`O_TMPFILE`, mode 0600), given a temporary name only
/// once complete, renamed over the old one, and the folder flushed.
///
/// Why unnamed first: a SIGKILL while writing a named temporary file left a half-written
/// file (credentials included) next to the real one, for good. Now a kill can leave a
/// named one only between the two calls that name it and rename it, and then it is whole;
/// the next replacement of the same file removes what writers that died left behind.
/// Where `O_TMPFILE` is not available (some file systems), the named file is written directly.
enum AtomicFile {
    /// Why the file could not be replaced; names no content.
    struct Failure: Error {
        var reason: String
    }

    /// `<file>.sts-proc-<pid>`: the writer's process ID tells the next writer whether the
    /// file was left by a process that no longer exists.
    static let temporaryMarker = ".sts-proc-"

    /// `O_TMPFILE`, a macro Swift does not import: `__O_TMPFILE | O_DIRECTORY`, with
    /// asm-generic/fcntl.h's value, which x86-64, ARM and RISC-V Linux share.
    private static let openUnnamed: Int32 = 0o20000000 | O_DIRECTORY

    static func replace(_ path: String, with text: String) throws(Failure) {
        let folder = parentFolder(of: path)
        removeLeftovers(of: path)
        let temporary = path + temporaryMarker + String(getpid())
        var named = false
        defer {
            if named { unlink(temporary) }  // reached only when the rename did not happen
        }
        var descriptor = open(folder, openUnnamed | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            descriptor = try openNamed(temporary)
            named = true
        }
        do throws(Failure) {
            try write(text, to: descriptor)
            // Flushed before it is named, so that the named moment is as short as it can be.
            guard fsync(descriptor) == 0 else { throw Failure(reason: "cannot flush: \(String(cString: strerror(errno)))") }
            if !named {
                try giveName(temporary, to: descriptor)
                named = true
            }
        } catch {
            close(descriptor)  // whatever failed: the descriptor may be of a file holding credentials
            throw error
        }
        guard close(descriptor) == 0 else { throw Failure(reason: "cannot flush: \(String(cString: strerror(errno)))") }
        guard rename(temporary, path) == 0 else { throw Failure(reason: "cannot replace it: \(String(cString: strerror(errno)))") }
        named = false
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func write(_ text: String, to descriptor: Int32) throws(Failure) {
        fchmod(descriptor, 0o600)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Links the unnamed file into the folder. A file already of that name can only be a
    /// leftover of an earlier process with this process's ID: replaced.
    private static func giveName(_ temporary: String, to descriptor: Int32) throws(Failure) {
        let handle = "/proc/self/fd/\(descriptor)"
        for _ in 0..<2 {
            if linkat(AT_FDCWD, handle, AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 { return }
            guard errno == EEXIST else { break }
            unlink(temporary)
        }
        throw Failure(reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
    }

    private static func openNamed(_ temporary: String) throws(Failure) -> Int32 {
        for _ in 0..<2 {
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 { return descriptor }
            guard errno == EEXIST else { break }
            unlink(temporary)
        }
        throw Failure(reason: "cannot create a temporary file: \(String(cString: strerror(errno)))")
    }

    /// Removes `<file>.sts-proc-<pid>` files whose writer no longer exists (it was killed
    /// between naming its file and renaming it). Files of a live process are left alone.
    static func removeLeftovers(of path: String) {
        let folder = parentFolder(of: path)
        let prefix = (path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path) + temporaryMarker
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix), let pid = pid_t(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }

    static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
