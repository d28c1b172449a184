import FuzzSupport
@testable import STSProcCore

/// The files of `~/.aws/sso/cache/`: the session's token (SSOTokenFile) and the client
/// registration (SSORegistration), both read tolerantly and written in the CLI's shape.
///
/// Properties: no trap; a token has an access token; whatever decodes encodes to a file
/// that decodes to the same value and encodes to the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSOToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    if let token = SSOTokenFile.decode(bytes) {
        require(!token.accessToken.isEmpty, "a token without an access token")
        require(token.refreshToken?.isEmpty != true, "an empty refresh token counts as one")
        let encoded = SSOTokenFile.encode(token)
        let again = SSOTokenFile.decode(Array(encoded.utf8))
        require(again == token, "token file \(String(reflecting: encoded)) decodes to "
                + (again.map { String(reflecting: $0) } ?? "nothing") + ", not \(String(reflecting: token))")
        require(again.map(SSOTokenFile.encode) == encoded, "encoding the token is not stable")
    }
    if let registration = SSORegistration.decode(bytes) {
        let encoded = registration.encoded()
        let again = SSORegistration.decode(Array(encoded.utf8))
        require(again == registration, "registration \(String(reflecting: encoded)) decodes to "
                + (again.map { String(reflecting: $0) } ?? "nothing") + ", not \(String(reflecting: registration))")
        require(again?.encoded() == encoded, "encoding the registration is not stable")
    }
    return 0
}

@main enum FuzzSSOToken {
    static func main() { runLibFuzzer(fuzzSSOToken) }
}
