import FoundationEssentials
import FuzzSupport
@testable import STSProcCore

/// SAMLAssertion on what users paste (`SAMLResponse=…`, percent-encoded, URL-safe, wrapped)
/// and, for inputs that start with `<`, on the assertion XML itself, base64-encoded here so
/// that the fuzzer mutates the XML rather than its encoding.
///
/// Properties: no trap; an accepted assertion offers roles (or is encrypted), each an IAM
/// role ARN with a SAML provider ARN; what it will send (`encoded`) is base64 that reads
/// back as the same assertion; every role it offers can be chosen by naming it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let startsWithMarkup = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "<")
    let text = startsWithMarkup ? Data(bytes).base64EncodedString() : String(decoding: bytes, as: UTF8.self)
    let assertion: SAMLAssertion
    do {
        assertion = try SAMLAssertion(text: text)
    } catch {
        return 0
    }
    require(!assertion.roles.isEmpty || assertion.isEncrypted, "accepted with no roles and not encrypted")
    require(!assertion.encoded.isEmpty && Data(base64Encoded: assertion.encoded) != nil, "sends text that is not base64")
    require(SAMLAssertion.normalize(assertion.encoded) == assertion.encoded, "the text it sends is not normalized")
    require((try? SAMLAssertion(text: assertion.encoded)) == assertion, "the text it sends reads as another assertion")
    for role in assertion.roles {
        require(role.roleARN.contains(":role/") && role.principalARN.contains(":saml-provider/"),
                "offers \(role.roleARN) via \(role.principalARN)")
        let chosen = try? assertion.choose(roleARN: role.roleARN, principalARN: role.principalARN)
        require(chosen == role, "offers \(role.roleARN) via \(role.principalARN) but cannot choose it")
    }
    if assertion.roles.count == 1 {
        require((try? assertion.choose(roleARN: nil, principalARN: nil)) == assertion.roles[0],
                "offers one role but does not choose it unasked")
    }
    return 0
}

@main enum FuzzSAML {
    static func main() { runLibFuzzer(fuzzSAML) }
}
