import FoundationEssentials
internal import CLibSecret

/// Proof Key for Code Exchange (RFC 7636), S256, as the AWS CLI v2 makes it: a verifier of
/// 64 unreserved characters, its SHA-256 in base64url without padding as the challenge.
struct PKCE: Sendable, Equatable {
    let verifier: String
    let challenge: String

    static let unreserved = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A new verifier from the system's random source; nil without GLib (for SHA-256).
    static func make() -> PKCE? {
        var random = SystemRandomNumberGenerator()
        let verifier = String((0..<64).map { _ in unreserved[Int.random(in: 0..<unreserved.count, using: &random)] })
        return challenge(for: verifier).map { PKCE(verifier: verifier, challenge: $0) }
    }

    static func challenge(for verifier: String) -> String? {
        guard stsproc_secret_available() != 0, let hex = stsproc_sha256_hex(verifier) else { return nil }
        defer { stsproc_free(hex) }
        let digits = Array(String(cString: hex).utf8)
        var digest: [UInt8] = []
        for index in stride(from: 0, to: digits.count - 1, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            digest.append(byte)
        }
        return base64URL(digest)
    }

    /// base64url (RFC 4648 §5) without `=` padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    /// A random `state` (128 bits, hex), checked on the redirect against forgery.
    static func makeState() -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: 0...255, using: &random)
            return String(byte >> 4, radix: 16) + String(byte & 15, radix: 16)
        }.joined()
    }
}
