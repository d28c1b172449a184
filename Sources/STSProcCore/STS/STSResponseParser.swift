/// What an STS answer body says, independent of HTTP.
enum STSReply: Sendable, Equatable {
    case credentials(AWSCredentials)
    case callerIdentity(account: String, arn: String, userID: String)
    /// Both error shapes (`ErrorResponse/Error` and `ErrorResponse/Errors/Error`) end up here.
    case error(code: String, message: String)
    /// Not XML, HTML, truncated, or XML that is not an STS response.
    case unrecognized(String)
    /// Credentials that fail `CredentialCheck`: why, never the value.
    case unusableCredential(String)
}

/// Reads STS query-protocol responses by local element name, so namespaced and
/// un-namespaced look-alikes (moto, LocalStack, proxies) are read alike.
enum STSResponseParser {
    static func parse(_ body: [UInt8]) -> STSReply {
        let root: XMLElement
        do {
            root = try XMLTree.parse(body)
        } catch {
            if error.libraryMissing { return .unrecognized("a body that could not be read: libxml2.so.2 is not installed") }
            return .unrecognized(describeNonXML(body))
        }
        if root.localName.lowercased() == "html" {
            return .unrecognized("an HTML page, not an STS response")
        }
        if let error = root.first(named: "Error"), let code = error.text(of: "Code"), !code.isEmpty {
            return .error(code: code, message: error.text(of: "Message") ?? "")
        }
        let allCredentials = root.all(named: "Credentials")
        if allCredentials.count > 1 {
            return .unrecognized("an STS response with \(allCredentials.count) Credentials elements")
        }
        if let credentials = allCredentials.first {
            guard let accessKeyID = credentials.text(of: "AccessKeyId"), !accessKeyID.isEmpty,
                  let secret = credentials.text(of: "SecretAccessKey"), !secret.isEmpty,
                  let token = credentials.text(of: "SessionToken"), !token.isEmpty,
                  let expirationText = credentials.text(of: "Expiration") else {
                return .unrecognized("an STS response whose Credentials element is incomplete")
            }
            guard let expiration = UTCTime(iso8601: expirationText) else {
                return .unrecognized("an STS response with an unreadable Expiration")
            }
            let issued = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token,
                                        expiration: expiration)
            if let problem = CredentialCheck.problem(issued) { return .unusableCredential(problem) }
            return .credentials(issued)
        }
        if let identity = root.first(named: "GetCallerIdentityResult"),
           let arn = identity.text(of: "Arn"), let account = identity.text(of: "Account") {
            return .callerIdentity(account: account, arn: arn, userID: identity.text(of: "UserId") ?? "")
        }
        // Cut, like every hint from the body: the one error line quotes it, never echoes it.
        let scalars = root.localName.unicodeScalars
        let name = scalars.count > 64 ? String(scalars.prefix(64)) + "…" : root.localName
        return .unrecognized("XML with root element <\(name)>, not an STS response")
    }

    /// A short, printable hint of what came back instead of XML; never the whole body,
    /// since a broken proxy could echo request data.
    private static func describeNonXML(_ body: [UInt8]) -> String {
        if body.isEmpty { return "an empty body" }
        let head = String(decoding: body.prefix(256), as: UTF8.self).lowercased()
        if head.contains("<html") || head.contains("<!doctype html") { return "an HTML page, not an STS response" }
        if head.hasPrefix("<") { return "malformed or truncated XML" }
        return "a body that is not XML"
    }
}
