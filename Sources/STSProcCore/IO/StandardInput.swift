import Glibc

/// Standard input read whole, bounded, for commands that take `-` for a file.
enum StandardInput {
    static func read(limit: Int, what: String) throws(STSProcError) -> String {
        do {
            return String(decoding: try BoundedFileReader.read(descriptor: STDIN_FILENO, limit: limit), as: UTF8.self)
        } catch {
            let reason = error == .tooLarge(limit: limit) ? "stdin holds more than \(limit >> 10) KiB"
                                                          : "stdin: \(error.explanation)"
            throw STSProcError(.configuration, failure: "cannot read the \(what)", reason: reason)
        }
    }
}
