import Glibc

/// Unbuffered writes straight to the file descriptors: the credential document must reach
/// stdout whole, and the error line must not wait in a buffer if the process is killed.
enum StandardStreams {
    /// Run first thing: a caller that closed stdin, stdout or stderr would otherwise see
    /// the next file sts-proc opens (a lock file, a credentials file) take that number, and
    /// a note meant for stderr written into it.
    static func ensureOpen() {
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            // open() takes the lowest free number: the closed one.
            let opened = open("/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY)
            if opened != descriptor && opened >= 0 { close(opened) }
        }
    }

    static func writeOutput(_ text: String) { write(text + "\n", to: STDOUT_FILENO) }
    static func writeError(_ text: String) { write(text + "\n", to: STDERR_FILENO) }

    private static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
