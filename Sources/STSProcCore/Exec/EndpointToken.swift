import Glibc

/// The secret a credential endpoint demands in `Authorization` (AWS_CONTAINER_AUTHORIZATION_TOKEN):
/// any process of any user can reach a loopback port, only the command's own processes
/// have the token. 32 bytes from the kernel's generator, hex-encoded.
enum EndpointToken {
    static func generate() -> String? {
        var bytes = [UInt8](repeating: 0, count: 32)
        // getentropy: the kernel's generator, up to 256 bytes in one call, never short.
        let status = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, $0.count) }
        guard status == 0 else { return nil }
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }, as: UTF8.self)
    }

    /// Compares in time that does not depend on where the texts differ.
    static func matches(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
