/// The IAM Query API calls `keys rotate` makes: SigV4-signed form POSTs through the same
/// libcurl transport, answers read with libxml2 by local name, as for STS.
struct IAMClient {
    let endpoint: STSEndpoint
    let caBundlePath: String?
    let transport: HTTPTransport

    /// `https://iam.amazonaws.com` (China and GovCloud have their own), signed for the
    /// partition's IAM region; `AWS_ENDPOINT_URL_IAM`, `AWS_ENDPOINT_URL`, `[services]` key
    /// `iam` and `endpoint_url` first, as for every service.
    static func endpoint(region: String, configured: EndpointSettings) throws(STSProcError) -> STSEndpoint {
        if let (url, origin) = try EndpointResolver.configuredURL(configured, serviceVariable: "AWS_ENDPOINT_URL_IAM",
                                                                  example: "https://iam.amazonaws.com") {
            return STSEndpoint(url: url, signingRegion: "us-east-1", origin: origin)
        }
        switch Partition(region: region).id {
        case "aws-cn": return STSEndpoint(url: "https://iam.cn-north-1.amazonaws.com.cn", signingRegion: "cn-north-1", origin: "partition aws-cn")
        case "aws-us-gov": return STSEndpoint(url: "https://iam.us-gov.amazonaws.com", signingRegion: "us-gov-west-1", origin: "partition aws-us-gov")
        default: return STSEndpoint(url: "https://iam.amazonaws.com", signingRegion: "us-east-1", origin: "partition aws")
        }
    }

    /// A new key for the signing user.
    func createAccessKey(using caller: AWSCredentials) throws(STSProcError) -> AWSCredentials {
        let root = try call("CreateAccessKey", [], using: caller)
        guard let keyID = root.text(of: "AccessKeyId"), let secret = root.text(of: "SecretAccessKey") else {
            throw STSProcError(.unavailable, failure: "CreateAccessKey failed", reason: "the answer holds no access key",
                               remedy: "Check that \(endpoint.origin) points at IAM")
        }
        let credentials = AWSCredentials(accessKeyID: keyID, secretAccessKey: secret)
        if let problem = CredentialCheck.problem(credentials) {
            throw STSProcError(.unavailable, failure: "CreateAccessKey failed: IAM answered an unusable key", reason: problem,
                               remedy: "Check that \(endpoint.origin) points at IAM")
        }
        return credentials
    }

    func deleteAccessKey(_ keyID: String, using caller: AWSCredentials) throws(STSProcError) {
        _ = try call("DeleteAccessKey", [("AccessKeyId", keyID)], using: caller)
    }

    /// The signing user's key IDs.
    func accessKeyIDs(using caller: AWSCredentials) throws(STSProcError) -> [String] {
        try call("ListAccessKeys", [], using: caller).all(named: "AccessKeyId").map { $0.text.trimmingWhitespace() }
    }

    private func call(_ action: String, _ parameters: [(String, String)],
                      using caller: AWSCredentials) throws(STSProcError) -> XMLElement {
        let request = HTTPRequest(url: endpoint.url, body: FormEncoding.encode([("Action", action), ("Version", "2010-05-08")] + parameters),
                                  headers: ["Content-Type: application/x-www-form-urlencoded; charset=utf-8"],
                                  signing: SigV4Signing(credentials: caller, region: endpoint.signingRegion, service: "iam"),
                                  caBundlePath: caBundlePath)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            throw STSProcError(.unavailable, failure: "\(action) failed: cannot reach \(endpoint.url)", reason: error.explanation,
                               remedy: "Check the network and \(endpoint.origin)")
        }
        let root: XMLElement
        do {
            root = try XMLTree.parse(response.body)
        } catch {
            throw STSProcError(.unavailable, failure: "\(action) failed", reason: "\(endpoint.url) answered HTTP \(response.status) with a body that is not XML",
                               remedy: "Check that \(endpoint.origin) points at IAM")
        }
        if let error = root.first(named: "Error"), let code = error.text(of: "Code"), !code.isEmpty {
            throw STSProcError(response.status >= 500 ? .unavailable : .rejected, failure: "\(action) failed (\(code))",
                               reason: error.text(of: "Message") ?? "IAM gave no message",
                               remedy: code == "AccessDenied" ? "The key's user needs iam:CreateAccessKey, iam:DeleteAccessKey and iam:ListAccessKeys on itself" : "")
        }
        guard (200..<300).contains(response.status) else {
            throw STSProcError(.unavailable, failure: "\(action) failed", reason: "\(endpoint.url) answered HTTP \(response.status)")
        }
        return root
    }
}
