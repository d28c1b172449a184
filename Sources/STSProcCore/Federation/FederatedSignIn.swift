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
                               reason: "it was valid until \(expiry.iso8601) (\(expiry.seconds(until: now) / 60) min ago)",
                               remedy: "Sign in at the identity provider again and save the new SAMLResponse")
        }
        let pair = try assertion.choose(roleARN: source.roleARN, principalARN: source.principalARN)
        return try client.assumeRoleWithSAML(roleARN: pair.roleARN, principalARN: pair.principalARN,
                                             assertion: assertion.encoded, durationSeconds: source.durationSeconds,
                                             policy: source.policy, policyARNs: source.policyARNs)
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
            }
            throw STSProcError(.configuration, failure: "unusable SAML assertion", reason: reason,
                               remedy: "Save the SAMLResponse value from the browser's developer tools, as the AWS article describes")
        }
    }
}
