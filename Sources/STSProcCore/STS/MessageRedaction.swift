/// Server messages are relayed to the user, and a misbehaving STS (or a proxy, or an IdP
/// behind it) may echo the request in them: a web-identity token or a SAML assertion would
/// then reach stderr. Every value that was sent as a secret is cut out, also when only a
/// part of it is echoed, and the message is cut to a sane length.
enum MessageRedaction {
    static let maximumLength = 400
    /// Shorter echoes carry too little of a secret to matter, and short values (a six-digit
    /// code) would match ordinary words.
    static let minimumEcho = 12

    static func redact(_ message: String, secrets: [String]) -> String {
        // Long enough for any real message; bounds the work on a huge echoed body.
        var scalars = Array(message.unicodeScalars.prefix(maximumLength * 10))
        for secret in secrets where secret.unicodeScalars.count >= minimumEcho {
            let pattern = Array(secret.unicodeScalars)
            // Where each run of `minimumEcho` scalars first occurs in the secret.
            var starts: [ArraySlice<Unicode.Scalar>: Int] = [:]
            for start in stride(from: pattern.count - minimumEcho, through: 0, by: -1) {
                starts[pattern[start..<(start + minimumEcho)]] = start
            }
            var index = 0
            while index + minimumEcho <= scalars.count {
                guard let start = starts[scalars[index..<(index + minimumEcho)]] else {
                    index += 1
                    continue
                }
                var length = minimumEcho
                while index + length < scalars.count, start + length < pattern.count,
                      scalars[index + length] == pattern[start + length] { length += 1 }
                let marker = Array("[redacted]".unicodeScalars)
                scalars.replaceSubrange(index..<(index + length), with: marker)
                index += marker.count
            }
        }
        var text = String(String.UnicodeScalarView(scalars))
        if text.unicodeScalars.count > maximumLength {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(maximumLength))) + "…"
        }
        return text
    }
}
