import FoundationEssentials

/// What a `credential_process` prints: the version-1 document, read as strictly as
/// botocore's `ProcessProvider` reads it (`Version` 1, key ID and secret required; token
/// and expiry optional), and then checked like every credential.
enum ProcessCredentialDocument {
    private struct Document: Decodable {
        var Version: Int?
        var AccessKeyId: String?
        var SecretAccessKey: String?
        var SessionToken: String?
        var Expiration: String?
    }

    /// The credentials, or why the output is not a usable document (never its content).
    static func parse(_ bytes: [UInt8]) -> Result<AWSCredentials, ProblemText> {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)) else {
            return .failure(ProblemText("its output is not a JSON object"))
        }
        guard document.Version == 1 else {
            return .failure(ProblemText("its output has Version \(document.Version.map(String.init) ?? "missing"), not 1"))
        }
        guard let keyID = document.AccessKeyId, let secret = document.SecretAccessKey else {
            return .failure(ProblemText("its output lacks AccessKeyId or SecretAccessKey"))
        }
        var expiration: UTCTime?
        if let text = document.Expiration {
            guard let time = UTCTime(iso8601: text) else { return .failure(ProblemText("its Expiration is not an ISO 8601 time")) }
            expiration = time
        }
        let credentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret,
                                         sessionToken: document.SessionToken.flatMap { $0.isEmpty ? nil : $0 },
                                         expiration: expiration)
        if let problem = CredentialCheck.problem(credentials) { return .failure(ProblemText(problem)) }
        return .success(credentials)
    }

    struct ProblemText: Error, Equatable {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
