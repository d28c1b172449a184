/// Turns what went wrong on the wire into the what / why / what-to-do sentence users see.
enum STSErrorExplainer {
    /// Codes AWS SDKs treat as throttling (botocore's standard retry mode list).
    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ]

    static func isThrottling(_ code: String) -> Bool { throttlingCodes.contains(code) }

    /// STS could not reach the OIDC provider to check a token; botocore retries this too.
    static func isTransientIdentityProviderError(_ code: String) -> Bool {
        code == "IDPCommunicationError" || code == "IDPCommunicationErrorException"
    }

    static func serviceError(code: String, message: String, status: Int, action: String,
                             connection: STSConnectionSettings) -> STSProcError {
        let verb = ["AccessDenied", "AccessDeniedException"].contains(code) ? "denied" : "failed"
        let kind: STSProcError.Kind = status >= 500 || isThrottling(code) ? .unavailable : .rejected
        return STSProcError(kind, failure: "\(action) \(verb) (\(code))",
                            reason: message.isEmpty ? "STS gave no message" : message,
                            remedy: remedy(forCode: code, action: action))
    }

    private static func remedy(forCode code: String, action: String) -> String {
        switch code {
        case "AccessDenied" where action == "GetSessionToken":
            return "STS did not accept the MFA code or device: check mfa_serial and use the next code; nothing was cached"
        case "AccessDenied", "AccessDeniedException":
            return "Check that the role's trust policy allows the source identity and that the source may call sts:\(action)"
        case "SignatureDoesNotMatch":
            return "The source secret access key does not belong to the access key ID; check aws_secret_access_key of the source profile"
        case "InvalidClientTokenId", "UnrecognizedClientException":
            return "The source access key ID is unknown or deleted; check aws_access_key_id of the source profile"
        case "ExpiredToken", "ExpiredTokenException", "RequestExpired":
            return action.hasPrefix("AssumeRoleWith")
                ? "The token or assertion has expired; get a new one from the identity provider"
                : "The source credentials have expired; refresh them and try again"
        case "ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge":
            return "Fix the profile setting STS names"
        case "InvalidIdentityToken", "InvalidIdentityTokenException":
            return "STS does not accept the token; check the role's trust policy (OIDC provider, audience, subject)"
        case "IDPRejectedClaim", "IDPRejectedClaimException":
            return "The identity provider rejected the claim; check the role's trust policy and the IdP configuration"
        case "IDPCommunicationError", "IDPCommunicationErrorException":
            return "STS could not reach the identity provider; try again"
        case "RegionDisabledException":
            return "Activate STS in this region (IAM account settings) or set another region"
        default:
            return isThrottling(code) ? "STS is throttling requests; try again shortly" : ""
        }
    }

    static func unusableResponse(_ what: String, status: Int, action: String,
                                 connection: STSConnectionSettings) -> STSProcError {
        STSProcError(.unavailable, failure: "\(action) failed",
                     reason: "\(connection.endpoint.url) answered HTTP \(status) with \(what)",
                     remedy: "Check that \(connection.endpoint.origin) points at an STS endpoint")
    }

    static func unusableCredential(_ problem: String, action: String, connection: STSConnectionSettings) -> STSProcError {
        STSProcError(.unavailable, failure: "\(action) failed: STS answered an unusable credential", reason: problem,
                     remedy: "Check that \(connection.endpoint.origin) points at AWS STS; nothing was cached or printed")
    }

    static func transportFailure(_ failure: TransportFailure, action: String,
                                 connection: STSConnectionSettings) -> STSProcError {
        let url = connection.endpoint.url
        switch failure {
        case .tls(let detail):
            let remedy = connection.caBundlePath == nil
                ? "If this endpoint uses a private certificate authority, set ca_bundle in the profile (or AWS_CA_BUNDLE) to its PEM file"
                : "Check that ca_bundle (\(connection.caBundlePath!)) holds the CA that signed the endpoint's certificate"
            return STSProcError(.unavailable, failure: "\(action) failed: TLS verification of \(url) failed",
                                reason: detail, remedy: remedy)
        case .couldNotConnect(let detail), .connectionBroken(let detail):
            return STSProcError(.unavailable, failure: "\(action) failed: cannot connect to \(url)",
                                reason: detail,
                                remedy: "Check the endpoint (\(connection.endpoint.origin)), the network, and HTTPS_PROXY / NO_PROXY")
        case .timedOut(let detail):
            return STSProcError(.unavailable, failure: "\(action) failed: \(url) did not answer in time",
                                reason: detail,
                                remedy: "Check the endpoint (\(connection.endpoint.origin)), the network, and HTTPS_PROXY / NO_PROXY")
        case .responseTooLarge, .other:
            return STSProcError(.unavailable, failure: "\(action) failed: request to \(url) failed",
                                reason: failure.explanation,
                                remedy: "Check the endpoint (\(connection.endpoint.origin))")
        }
    }
}
