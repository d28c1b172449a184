import Glibc

/// Standard input read whole, bounded, for commands that take `-` for a file.
enum StandardInput {
    static func read(limit: Int, what: String) throws(STSProcError) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw STSProcError(.configuration, failure: "cannot read the \(what)",
                                   reason: "stdin: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > limit {
                throw STSProcError(.configuration, failure: "cannot read the \(what)",
                                   reason: "stdin holds more than \(limit >> 10) KiB")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
