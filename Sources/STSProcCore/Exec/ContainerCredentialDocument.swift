/// The body an ECS task's credential endpoint answers with, which every SDK's container
/// provider reads: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (ISO 8601).
/// Errors use the same `code`/`message` pair the ECS agent uses, so the SDK's message
/// carries sts-proc's one line.
public enum ContainerCredentialDocument {
    public static func render(_ credentials: AWSCredentials) -> String {
        var fields = [("AccessKeyId", credentials.accessKeyID), ("SecretAccessKey", credentials.secretAccessKey)]
        if let token = credentials.sessionToken { fields.append(("Token", token)) }
        if let expiration = credentials.expiration { fields.append(("Expiration", expiration.iso8601)) }
        return "{" + fields.map { "\(CredentialDocument.quoted($0.0)):\(CredentialDocument.quoted($0.1))" }
            .joined(separator: ",") + "}"
    }

    public static func renderError(code: String, message: String) -> String {
        "{\"code\":\(CredentialDocument.quoted(code)),\"message\":\(CredentialDocument.quoted(message))}"
    }
}
