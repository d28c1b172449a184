import Glibc

/// Unbuffered writes straight to the file descriptors: the credential document must reach
/// stdout whole, and the error line must not wait in a buffer if the process is killed.
enum StandardStreams {
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
