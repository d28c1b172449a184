import FoundationEssentials

/// The keyring item's secret: the credential_process document itself, so an item can be
/// inspected with `secret-tool` and needs no format of its own.
enum CachedCredential {
    private struct Document: Decodable {
        var Version: Int
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String?
        var Expiration: String
    }

    static func encode(_ credentials: AWSCredentials) -> String {
        CredentialDocument.json(credentials)
    }

    /// nil for anything that is not a complete version-1 document of usable temporary
    /// credentials; a corrupt item is then treated as a miss and replaced.
    static func decode(_ text: String) -> AWSCredentials? {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8)),
              document.Version == 1, !document.AccessKeyId.isEmpty, !document.SecretAccessKey.isEmpty,
              let token = document.SessionToken, !token.isEmpty,
              let expiration = UTCTime(iso8601: document.Expiration) else { return nil }
        let credentials = AWSCredentials(accessKeyID: document.AccessKeyId, secretAccessKey: document.SecretAccessKey,
                                         sessionToken: token, expiration: expiration)
        return CredentialCheck.problem(credentials) == nil ? credentials : nil
    }
}
