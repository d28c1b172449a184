import FuzzSupport
@testable import STSProcCore

/// STSResponseParser on any body (STS, moto, proxies, HTML error pages, garbage), through
/// the libxml2 tree reader.
///
/// Properties: no trap; the same body always reads the same; credentials it returns are
/// complete, pass the credential check and have an expiry that prints and reads back;
/// an error has a code; every description of a bad body is short (it must never echo the
/// body, which a broken proxy could fill with request data).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSTSResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = fuzzBytes(data, size)
    let reply = STSResponseParser.parse(body)
    require(STSResponseParser.parse(body) == reply, "the same body reads differently twice")
    switch reply {
    case .credentials(let credentials):
        require(CredentialCheck.problem(credentials) == nil, "returned unusable credentials")
        require(credentials.sessionToken != nil, "temporary credentials without a session token")
        guard let expiration = credentials.expiration else {
            require(false, "temporary credentials without an expiration")
            return 0
        }
        require(UTCTime(iso8601: expiration.iso8601) == expiration, "the expiration does not print and read back")
    case .error(let code, _):
        require(!code.isEmpty, "an error without a code")
    case .callerIdentity:
        break
    case .unrecognized(let why), .unusableCredential(let why):
        require(why.unicodeScalars.count <= 120, "a description of \(why.unicodeScalars.count) characters: \(String(reflecting: why))")
    }
    return 0
}

@main enum FuzzSTSResponse {
    static func main() { runLibFuzzer(fuzzSTSResponse) }
}
