import FoundationEssentials

/// The JSON document both EC2 instance metadata and the ECS/EKS container endpoint serve:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (EC2 adds `"Code":"Success"`).
enum MetadataCredentialDocument {
    private struct Document: Decodable {
        var Code: String?
        var Message: String?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var Token: String?
        var Expiration: String?
    }

    enum Problem: Error, Equatable {
        case notJSON
        case failed(code: String, message: String)
        case incomplete
        /// Credentials that fail `CredentialCheck`: why, never the value.
        case unusable(String)
    }

    static func parse(_ body: [UInt8]) throws(Problem) -> AWSCredentials {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(body)) else { throw .notJSON }
        if let code = document.Code, code != "Success" {
            throw .failed(code: code, message: document.Message ?? "")
        }
        guard let keyID = document.AccessKeyId, !keyID.isEmpty, let secret = document.SecretAccessKey, !secret.isEmpty,
              let token = document.Token, !token.isEmpty,
              let expiration = document.Expiration.flatMap({ UTCTime(iso8601: $0) }) else { throw .incomplete }
        let credentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token,
                                         expiration: expiration)
        if let problem = CredentialCheck.problem(credentials) { throw .unusable(problem) }
        return credentials
    }
}
