/// Obtains the first credentials of a web-identity or SAML plan: reads the token or
/// assertion, checks what can be checked locally, and calls STS.
struct FederatedSignIn {
    let client: STSClient
    let now: UTCTime

    func credentials(for source: WebIdentitySource) throws(STSProcError) -> AWSCredentials {
        let token = try SecretInputReader.read(source.token, what: "web identity token", limit: SecretInputReader.tokenLimit)
        return try client.assumeRoleWithWebIdentity(source, token: token)
    }

    func credentials(for source: SAMLSource) throws(STSProcError) -> AWSCredentials {
        let text = try SecretInputReader.read(source.assertion, what: "SAML assertion", limit: SecretInputReader.assertionLimit)
        let assertion = try Self.parse(text, from: source.assertion)
        if let expiry = assertion.notOnOrAfter, expiry <= now {
            throw STSProcError(.configuration, failure: "the SAML assertion has expired",
                               reason: "it was valid until \(expiry.iso8601) (\(Self.span(expiry.seconds(until: now))) ago)",
                               remedy: "Sign in at the identity provider again and save the new SAMLResponse")
        }
        let pair = try assertion.choose(roleARN: source.roleARN, principalARN: source.principalARN)
        return try client.assumeRoleWithSAML(roleARN: pair.roleARN, principalARN: pair.principalARN,
                                             assertion: assertion.encoded, durationSeconds: source.durationSeconds,
                                             policy: source.policy, policyARNs: source.policyARNs)
    }

    /// `25 min`, `3 h`, `12 days`, `14 years`: how long ago, readably.
    static func span(_ seconds: Int64) -> String {
        switch seconds {
        case ..<(120 * 60): return "\(max(seconds, 0) / 60) min"
        case ..<(48 * 3600): return "\(seconds / 3600) h"
        case ..<(730 * 86_400): return "\(seconds / 86_400) days"
        default: return "\(seconds / (365 * 86_400)) years"
        }
    }

    static func parse(_ text: String, from input: SecretInput) throws(STSProcError) -> SAMLAssertion {
        do {
            return try SAMLAssertion(text: text)
        } catch {
            let reason: String
            switch error {
            case .notBase64: reason = "\(input) is not base64"
            case .notXML: reason = "\(input) is base64 but not an XML SAML response"
            case .noRoles: reason = "\(input) names no AWS role (no https://aws.amazon.com/SAML/Attributes/Role values)"
            case .rolesOutsideTheNamespace:
                throw STSProcError(.configuration, failure: "unusable SAML assertion",
                                   reason: "\(input) has Role attributes, but not in the SAML 2.0 assertion namespace (\(SAMLAssertion.assertionNamespace))",
                                   remedy: "STS reads SAML 2.0 assertions only: check the identity provider's SAML settings for AWS")
            case .unreadableExpiry(let value):
                throw STSProcError(.configuration, failure: "malformed SAML assertion",
                                   reason: "\(input) has NotOnOrAfter '\(value)', which is not a time",
                                   remedy: "Save a fresh SAMLResponse; if it persists, the identity provider's output is broken")
            }
            throw STSProcError(.configuration, failure: "unusable SAML assertion", reason: reason,
                               remedy: "Save the SAMLResponse value from the browser's developer tools, as the AWS article describes")
        }
    }
}
