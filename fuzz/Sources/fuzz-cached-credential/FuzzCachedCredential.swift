import FuzzSupport
@testable import STSProcCore

/// CachedCredential, the keyring item's secret (the credential_process document).
///
/// Properties: no trap; what decodes is usable (a corrupt item must read as a miss); and it
/// encodes to a document that decodes to the same credentials and encodes to the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCachedCredential(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
    guard let credentials = CachedCredential.decode(text) else { return 0 }
    require(CredentialCheck.problem(credentials) == nil, "decoded unusable credentials")
    require(credentials.sessionToken != nil && credentials.expiration != nil, "decoded credentials that are not temporary")
    let encoded = CachedCredential.encode(credentials)
    let again = CachedCredential.decode(encoded)
    require(again == credentials, "\(String(reflecting: encoded)) decodes to something else")
    require(again.map(CachedCredential.encode) == encoded, "encoding is not stable")
    return 0
}

@main enum FuzzCachedCredential {
    static func main() { runLibFuzzer(fuzzCachedCredential) }
}
