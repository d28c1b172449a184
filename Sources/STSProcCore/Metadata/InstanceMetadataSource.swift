/// `credential_source = Ec2InstanceMetadata`: the instance profile's role credentials from
/// the EC2 instance metadata service, IMDSv2 first (a session token from a PUT), falling
/// back to IMDSv1 only where the service refuses token requests, as the SDKs do.
public struct InstanceMetadataEndpoint: Sendable, Equatable {
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`, default the
    /// link-local address (IPv6 with `ec2_metadata_service_endpoint_mode = IPv6`).
    public var baseURL: String
    /// `AWS_METADATA_SERVICE_TIMEOUT` (seconds, default 1): the service is local, so a slow
    /// answer means there is none.
    public var timeoutSeconds: Int
    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS` (default 1).
    public var attempts: Int
}

struct InstanceMetadataClient {
    let endpoint: InstanceMetadataEndpoint
    let transport: HTTPTransport

    func credentials() throws(STSProcError) -> AWSCredentials {
        let token = try sessionToken()
        let roleList = try get("/latest/meta-data/iam/security-credentials/", token: token, what: "the instance profile role")
        guard let role = String(decoding: roleList, as: UTF8.self).split(whereSeparator: \.isNewline).first
            .map({ $0.trimmingWhitespace() }), !role.isEmpty else {
            throw failure("the instance has no instance profile role",
                          remedy: "Attach an IAM role to the instance, or use another credential_source")
        }
        let body = try get("/latest/meta-data/iam/security-credentials/" + role, token: token, what: "the role credentials")
        do {
            return try MetadataCredentialDocument.parse(body)
        } catch {
            throw failure("the credentials document of role \(role) is unusable (\(Self.describe(error)))",
                          remedy: "Try again; if it persists, check the instance's IAM role")
        }
    }

    /// nil when the service does not do IMDSv2 tokens (403/404/405): then IMDSv1 is used.
    private func sessionToken() throws(STSProcError) -> String? {
        var request = request(path: "/latest/api/token", token: nil)
        request.method = .put
        request.headers.append("X-aws-ec2-metadata-token-ttl-seconds: 21600")
        let response = try send(request, what: "an IMDSv2 token")
        switch response.status {
        case 200: return String(decoding: response.body, as: UTF8.self).trimmingWhitespace()
        case 403, 404, 405: return nil
        default:
            throw failure("the metadata service answered HTTP \(response.status) to the IMDSv2 token request",
                          remedy: "Check AWS_EC2_METADATA_SERVICE_ENDPOINT and the instance's metadata options")
        }
    }

    private func get(_ path: String, token: String?, what: String) throws(STSProcError) -> [UInt8] {
        let response = try send(request(path: path, token: token), what: what)
        guard response.status == 200 else {
            let remedy = response.status == 404 ? "Attach an IAM role to the instance (instance profile)"
                                                : "Check the instance's metadata options (hop limit, IMDSv2)"
            throw failure("the metadata service answered HTTP \(response.status) for \(what)", remedy: remedy)
        }
        return response.body
    }

    private func request(path: String, token: String?) -> HTTPRequest {
        var headers: [String] = []
        if let token { headers.append("X-aws-ec2-metadata-token: \(token)") }
        return HTTPRequest(method: .get, url: endpoint.baseURL + path, body: "", headers: headers, signing: nil,
                           caBundlePath: nil, connectTimeoutMilliseconds: endpoint.timeoutSeconds * 1000,
                           totalTimeoutMilliseconds: endpoint.timeoutSeconds * 1000, maximumResponseBytes: 64 << 10)
    }

    private func send(_ request: HTTPRequest, what: String) throws(STSProcError) -> HTTPResponse {
        var attempt = 1
        while true {
            do {
                return try transport.send(request)
            } catch {
                guard error.isRetryable, attempt < endpoint.attempts else {
                    throw failure("no answer from \(endpoint.baseURL) for \(what): \(error.explanation)",
                                  remedy: "This only works on EC2 (or with AWS_EC2_METADATA_SERVICE_ENDPOINT set); check the instance's metadata options")
                }
                attempt += 1
            }
        }
    }

    private func failure(_ reason: String, remedy: String) -> STSProcError {
        STSProcError(.unavailable, failure: "cannot get credentials from EC2 instance metadata", reason: reason, remedy: remedy)
    }

    static func describe(_ problem: MetadataCredentialDocument.Problem) -> String {
        switch problem {
        case .notJSON: return "not JSON"
        case .incomplete: return "a field is missing"
        case .unusable(let problem): return problem
        case .failed(let code, let message): return "\(code): \(message)"
        }
    }
}
