extension CredentialService {
    /// The role/provider pairs and expiry of an assertion in a file, or on stdin for "-".
    public func samlAssertion(file path: String) throws(STSProcError) -> SAMLAssertion {
        let input: SecretInput = path == "-" ? .file("/dev/stdin", setting: "stdin") : .file(path, setting: "--assertion-file")
        let text: String
        if path == "-" {
            text = try StandardInput.read(limit: SecretInputReader.assertionLimit, what: "SAML assertion")
        } else {
            text = try SecretInputReader.read(input, what: "SAML assertion", limit: SecretInputReader.assertionLimit)
        }
        return try FederatedSignIn.parse(text, from: input)
    }
}
